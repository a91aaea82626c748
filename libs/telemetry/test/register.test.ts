import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresServerUrl } from '@provisio/testing';

interface CapturedSpan {
  service: string;
  scope: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/instrumented-app.mjs', import.meta.url));

// The real process entry: `--import @provisio/telemetry/register` (the built package, as in the image and
// under npm start), with an OTLP/HTTP endpoint that this test plays.
describe('node --import @provisio/telemetry/register', () => {
  const spans: CapturedSpan[] = [];
  let collector: Server;
  let endpoint: string;

  beforeAll(async () => {
    collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const data = JSON.parse(body) as {
            resourceSpans: {
              resource: { attributes: { key: string; value: { stringValue?: string } }[] };
              scopeSpans: { scope: { name: string }; spans: { name: string; traceId: string; spanId: string; parentSpanId?: string }[] }[];
            }[];
          };
          for (const resourceSpans of data.resourceSpans) {
            const service = resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
            for (const { scope, spans: batch } of resourceSpans.scopeSpans) {
              for (const span of batch) spans.push({ service, scope: scope.name, name: span.name, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '' });
            }
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  function runFixture(env: Record<string, string>): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', '@provisio/telemetry/register', fixture], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(stdout);
        else reject(new Error(`fixture exited with ${code}: ${stderr}`));
      });
    });
  }

  // ESM modules are hooked before they load: one request gives HTTP, Fastify and PostgreSQL spans in one
  // trace, exported over OTLP, and the log line written inside it carries that trace's ids.
  it('traces HTTP, Fastify and pg, and puts the trace ids in the logs', async () => {
    const stdout = await runFixture({ DATABASE_URL: await postgresServerUrl(), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'fixture' });
    const answered = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'answered');
    expect(answered).toBeDefined();
    const traceId = String(answered!.trace_id);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(answered!.span_id).toMatch(/^[0-9a-f]{16}$/);

    const inTrace = spans.filter((span) => span.traceId === traceId);
    const scopes = new Set(inTrace.map((span) => span.scope));
    expect([...scopes]).toEqual(expect.arrayContaining(['@opentelemetry/instrumentation-http', '@fastify/otel', '@opentelemetry/instrumentation-pg']));
    expect(inTrace.find((span) => span.scope === '@opentelemetry/instrumentation-http' && span.name === 'GET /answers/:id')).toBeDefined();
    expect(inTrace.every((span) => span.service === 'fixture')).toBe(true);
    // The pg query is a child of the route's handler span, the span the log line names.
    const query = inTrace.find((span) => span.scope === '@opentelemetry/instrumentation-pg' && span.name.startsWith('pg.query'));
    expect(query?.parentSpanId).toBe(answered!.span_id);
  });
});
