import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { companyId, employeeId, uuid } from '../ids.js';

export const workflowRunCompleted = defineEvent(
  'workflow.run.completed',
  z.object({ companyId, runId: uuid, workflowId: uuid, employeeId }),
);
export type WorkflowRunCompleted = z.infer<typeof workflowRunCompleted.data>;
