import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { emit, type EventDefinition } from '@provisio/messaging';
import type { WorkflowsDb } from './tables.js';

/** The CloudEvent `source` of everything this service publishes. */
export const EVENT_SOURCE = 'provisio/workflows';

/** Writes one event of this service into the outbox, in the caller's transaction; the run orders them. */
export async function emitEvent<S extends z.ZodType>(
  tx: Transaction<WorkflowsDb>,
  definition: EventDefinition<string, S>,
  data: z.input<S>,
  runId: string,
): Promise<void> {
  await emit(tx as unknown as Transaction<unknown>, definition.build(data, { source: EVENT_SOURCE, subject: runId }), runId);
}
