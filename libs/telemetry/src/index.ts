export { injectTraceContext, extractTraceContext, withPublishSpan, withConsumeSpan, type HeaderCarrier } from './propagation.js';
