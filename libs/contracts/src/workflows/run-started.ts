import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { companyId, employeeId, uuid } from '../ids.js';

export const workflowRunStarted = defineEvent(
  'workflow.run.started',
  z.object({
    companyId,
    runId: uuid,
    workflowId: uuid,
    workflowVersion: z.number().int().positive(),
    employeeId,
    trigger: z.enum(['hire', 'termination', 'manual']),
  }),
);
export type WorkflowRunStarted = z.infer<typeof workflowRunStarted.data>;
