import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** CloudEvents 1.0, structured JSON mode. Extensions are allowed and kept. */
export const cloudEventSchema = z.looseObject({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(500),
  type: z.string().min(1).max(200).regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be lowercase and dot-separated'),
  time: z.iso.datetime({ offset: true }).optional(),
  subject: z.string().max(500).optional(),
  datacontenttype: z.string().optional(),
  dataschema: z.string().optional(),
  data: z.unknown(),
});

export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time?: string | undefined;
  subject?: string | undefined;
  datacontenttype?: string | undefined;
  dataschema?: string | undefined;
  data: T;
  /** Extension attributes. */
  [extension: string]: unknown;
}

/**
 * (source, id) identifies an event; a repeat of the pair is the same event. The company is part of the key,
 * so two tenants' HR systems that happen to use the same source and id never drop each other's events.
 */
export function eventKey(event: Pick<CloudEvent, 'source' | 'id' | 'data'>): string {
  const companyId = (event.data as { companyId?: unknown } | null | undefined)?.companyId;
  return typeof companyId === 'string' ? `${companyId}/${event.source}#${event.id}` : `${event.source}#${event.id}`;
}

/**
 * One event type: its constant, its data schema and the helpers to build and read it. Consumers parse with
 * the same schema (never `.strict()`: events already in a stream must still parse after a deploy).
 */
export interface EventDefinition<Type extends string, Schema extends z.ZodType> {
  readonly type: Type;
  readonly data: Schema;
  build(data: z.input<Schema>, options: { source: string; id?: string; time?: Date; subject?: string }): CloudEvent<z.output<Schema>>;
}

export type EventData<D> = D extends EventDefinition<string, infer S> ? z.output<S> : never;

export function defineEvent<Type extends string, Schema extends z.ZodType>(type: Type, data: Schema): EventDefinition<Type, Schema> {
  return {
    type,
    data,
    build(input, options) {
      return {
        specversion: '1.0',
        id: options.id ?? randomUUID(),
        source: options.source,
        type,
        time: (options.time ?? new Date()).toISOString(),
        ...(options.subject ? { subject: options.subject } : {}),
        datacontenttype: 'application/json',
        data: data.parse(input) as z.output<Schema>,
      };
    },
  };
}
