export {
  authConfigSchema,
  baseConfigSchema,
  ConfigError,
  loadConfig,
  logLevels,
  portSchema,
  serviceConfigSchema,
  type AuthConfig,
  type BaseConfig,
  type LogLevel,
} from './config.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export {
  AppError,
  ConflictError,
  errorBody,
  errorCodes,
  ForbiddenError,
  InvalidReferenceError,
  InvalidTransitionError,
  MalformedRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  ValidationFailedError,
  type AppErrorOptions,
  type ErrorBody,
  type ErrorCode,
  type ErrorDetails,
  type FieldIssue,
  type TransitionState,
} from './errors.js';
export { installErrorHandling, sendError, toAppError } from './error-handler.js';
export {
  authPlugin,
  bearerToken,
  createTokenVerifier,
  isProtectedPath,
  principalOf,
  requireRole,
  roles,
  signToken,
  tokenVerifierOptions,
  type AuthPluginOptions,
  type Principal,
  type Role,
  type SignTokenOptions,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './auth.js';
export {
  checkReadiness,
  defaultProbeTimeoutMs,
  healthRoutes,
  type CheckResult,
  type HealthRoutesOptions,
  type Probe,
  type Probes,
  type Readiness,
} from './health.js';
export {
  bearerSecurityScheme,
  errorBodySchema,
  errorResponses,
  registerOpenApi,
  type ErrorStatus,
  type OpenApiOptions,
} from './openapi.js';
export { createServiceApp, requestIdOf, type ServiceApp, type ServiceAppOptions } from './service-app.js';
export { runService, type Closable, type RunServiceOptions } from './run-service.js';
export type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
