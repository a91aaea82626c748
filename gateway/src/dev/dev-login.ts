import { DeliverPolicy } from '@nats-io/jetstream';
import { z } from 'zod';
import { hrEvents } from '@provisio/contracts';
import { cloudEventSchema, type Broker } from '@provisio/messaging';
import { foldRoster, type RosterEvent } from '@provisio/roster';
import { errorResponses, NotFoundError, signToken, type FastifyPluginAsyncZod } from '@provisio/service-kit';

const TOKEN_SECONDS = 8 * 60 * 60;

interface Person {
  id: string;
  name: string;
  role: 'admin' | 'manager' | 'employee';
  companyId: string;
  status: 'active' | 'terminated';
}

/**
 * Development sign-in: the gateway reads the HR stream into memory and lets anyone pick a person and get a
 * token for them. On only when AUTH_DEV_LOGIN=true and an HS256 secret is configured; never in production.
 */
export function createDevDirectory(broker: Broker) {
  const events = new Map<string, { event: RosterEvent; effectiveAt: Date; receivedSeq: number }[]>();
  const schemas = new Map<string, z.ZodType>(hrEvents.map((definition) => [definition.type, definition.data]));
  let stop: (() => Promise<void>) | undefined;
  let seq = 0;

  return {
    async start() {
      const consumer = await broker.js.consumers.get(broker.ns.stream('HR'), { deliver_policy: DeliverPolicy.All });
      const messages = await consumer.consume();
      stop = async () => void (await messages.close());
      void (async () => {
        for await (const message of messages) {
          const envelope = cloudEventSchema.safeParse(message.json());
          if (!envelope.success) continue;
          const data = schemas.get(envelope.data.type)?.safeParse(envelope.data.data);
          if (!data?.success) continue;
          const event = { type: envelope.data.type, data: data.data } as RosterEvent;
          const employeeId = event.type === 'hr.employee.terminated' ? event.data.employeeId : event.data.employee.id;
          const key = `${event.data.companyId}\u0000${employeeId}`;
          const list = events.get(key) ?? [];
          list.push({ event, effectiveAt: new Date(envelope.data.time ?? Date.now()), receivedSeq: seq++ });
          events.set(key, list);
        }
      })();
    },
    people(): Person[] {
      const people: Person[] = [];
      for (const [key, list] of events) {
        const companyId = key.split('\u0000', 1)[0]!;
        const employee = foldRoster(companyId, list);
        if (employee) {
          people.push({ id: employee.id, name: `${employee.firstName} ${employee.lastName}`, role: employee.accessLevel, companyId, status: employee.status });
        }
      }
      return people.sort((a, b) => a.companyId.localeCompare(b.companyId) || a.name.localeCompare(b.name));
    },
    async stop() {
      await stop?.();
    },
  };
}
export type DevDirectory = ReturnType<typeof createDevDirectory>;

const person = z.object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'manager', 'employee']), companyId: z.string(), companyName: z.string() });

export const devLoginRoutes: FastifyPluginAsyncZod<{ directory: DevDirectory; secret: string; issuer: string; audience: string }> = async (
  app,
  { directory, secret, issuer, audience },
) => {
  app.get('/v1/dev/login-options', {
    config: { public: true },
    schema: {
      tags: ['Development'],
      operationId: 'devLoginOptions',
      summary: 'Development only (AUTH_DEV_LOGIN=true): the people one can sign in as',
      security: [],
      response: { 200: z.object({ items: z.array(person) }) },
    },
  }, async () => ({
    items: directory.people().filter((p) => p.status === 'active').map(({ status: _status, ...p }) => ({ ...p, companyName: p.companyId })),
  }));

  app.post('/v1/dev/login', {
    config: { public: true },
    schema: {
      tags: ['Development'],
      operationId: 'devLogin',
      summary: 'Development only (AUTH_DEV_LOGIN=true): a short-lived token for a roster person',
      security: [],
      body: z.strictObject({ employeeId: z.string().min(1), companyId: z.string().min(1) }),
      response: { 200: z.object({ token: z.string(), expiresInSeconds: z.number() }), ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const chosen = directory.people().find((p) => p.id === request.body.employeeId && p.companyId === request.body.companyId && p.status === 'active');
    if (!chosen) throw new NotFoundError('No active person with that id in that company; pick one from the list.');
    const token = await signToken({ secret, issuer, audience, sub: chosen.id, companyId: chosen.companyId, role: chosen.role, expiresInSeconds: TOKEN_SECONDS });
    return { token, expiresInSeconds: TOKEN_SECONDS };
  });
};
