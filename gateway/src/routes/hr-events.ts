import { z } from 'zod';
import { hrEvents } from '@provisio/contracts';
import { cloudEventSchema, eventKey, publishEvent, type Broker, type CloudEvent } from '@provisio/messaging';
import { errorResponses, ForbiddenError, principalOf, requireRole, UnavailableError, ValidationFailedError, type FastifyPluginAsyncZod } from '@provisio/service-kit';

const MAX_EVENTS = 500;
const dataSchemas = new Map<string, z.ZodType>(hrEvents.map((definition) => [definition.type, definition.data]));

const cloudEventBody = cloudEventSchema.describe('A CloudEvent 1.0 (structured JSON) of type hr.employee.hired, .updated or .terminated');
const hrEventsBody = z
  .union([z.strictObject({ events: z.array(cloudEventBody).min(1).max(MAX_EVENTS) }), cloudEventBody])
  .meta({
    examples: [{
      specversion: '1.0', id: 'hire-4711', source: 'https://hris.example.com', type: 'hr.employee.hired', time: '2026-11-27T09:00:00Z',
      data: {
        companyId: 'acme',
        employee: { id: 'eve', firstName: 'Eve', lastName: 'Engineer', email: 'eve@acme.example', department: 'Engineering', jobTitle: 'Engineer', managerId: 'margaret', accessLevel: 'employee', startDate: '2026-12-01' },
      },
    }],
  });

const accepted = z.object({ accepted: z.array(z.object({ id: z.string(), source: z.string() })) }).meta({ id: 'HrEventsAccepted' });

/**
 * `POST /v1/hr/events`: other HR systems hand in hires, updates and terminations. Every event is checked
 * (its type, its data, its company) before any is published; then each goes to stream HR with subject = type.
 * A repeated (source, id) is accepted again and has no second effect downstream.
 */
export const hrEventRoutes: FastifyPluginAsyncZod<{ broker: Broker }> = async (app, { broker }) => {
  app.post('/v1/hr/events', {
    onRequest: requireRole('admin', 'integration'),
    schema: {
      tags: ['HR events'],
      operationId: 'publishHrEvents',
      summary: 'Publish HR events (one CloudEvent, or { events: [...] } up to 500)',
      body: hrEventsBody,
      response: { 202: accepted, ...errorResponses(400, 403, 413, 503) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const events = ('events' in request.body && Array.isArray(request.body.events) ? request.body.events : [request.body]) as CloudEvent[];
    const batch = 'events' in request.body && Array.isArray(request.body.events);
    const issues: { path: string; message: string; location: 'body' }[] = [];
    const parsed: CloudEvent[] = [];
    events.forEach((event, index) => {
      const at = (path: string) => [batch ? `events.${index}` : '', path].filter(Boolean).join('.');
      const schema = dataSchemas.get(event.type);
      if (!schema) {
        issues.push({ path: at('type'), message: `must be one of ${[...dataSchemas.keys()].join(', ')}`, location: 'body' });
        return;
      }
      const data = schema.safeParse(event.data);
      if (!data.success) {
        for (const issue of data.error.issues) issues.push({ path: at(['data', ...issue.path.map(String)].join('.')), message: issue.message, location: 'body' });
        return;
      }
      const companyId = (data.data as { companyId: string }).companyId;
      if (companyId !== principal.companyId) {
        throw new ForbiddenError(`Event ${event.id} is for company ${companyId}; a token may only publish events of its own company.`);
      }
      parsed.push({ ...event, data: data.data });
    });
    if (issues.length > 0) throw new ValidationFailedError(issues);

    try {
      // Pipelined on one connection: the stream stores them in the order given. If one fails, others may be
      // stored already and the caller, answered 503, sends the batch again: the message id is the event key
      // (company, source, id), so those are not stored twice (and equal ids of two sources or tenants never
      // collide); the failed one is then stored after its successors, which the roster tolerates (it orders
      // a person's events by their effective time, not by arrival).
      await Promise.all(parsed.map((event) => publishEvent(broker.js, broker.ns, event, {}, eventKey(event))));
    } catch (error) {
      request.log.error({ err: error }, 'publishing HR events failed');
      throw new UnavailableError(5, 'The event broker', { cause: error });
    }
    request.log.info({ count: parsed.length, by: principal.id }, 'HR events accepted');
    return reply.code(202).send({ accepted: parsed.map((event) => ({ id: event.id, source: event.source })) });
  });
};
