import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { companyId, employeeId, uuid } from '../ids.js';

/** A run was cancelled: the accounts service cancels the requests still open for it. */
export const workflowRunCancelled = defineEvent(
  'workflow.run.cancelled',
  z.object({ companyId, runId: uuid, workflowId: uuid, employeeId, actorId: z.string() }),
);
export type WorkflowRunCancelled = z.infer<typeof workflowRunCancelled.data>;
