import { sql, type Kysely } from 'kysely';
import type { GaugeDefinition } from '@provisio/telemetry';
import type { WorkflowsDb } from './tables.js';

/**
 * What an operator watches in the workflows service, read with read-only queries when metrics are collected
 * (Prometheus: `provisio_workflows_overdue_tasks`, `provisio_workflows_running_runs`).
 */
export function workflowsGauges(db: Kysely<WorkflowsDb>): GaugeDefinition[] {
  return [
    {
      name: 'provisio.workflows.overdue_tasks',
      description: 'Tasks of running workflow runs past their due date (marked overdue, or due and not swept yet).',
      unit: '{task}',
      async read() {
        const { rows } = await sql<{ count: number }>`
          select count(*)::int as count from workflow_tasks t
          join workflow_runs r on r.id = t.run_id
          where r.status = 'running'
            and (t.status = 'overdue' or (t.status = 'open' and t.due_at is not null and t.due_at <= now()))`.execute(db);
        return rows[0]?.count ?? 0;
      },
    },
    {
      name: 'provisio.workflows.running_runs',
      description: 'Workflow runs started and not yet completed or cancelled.',
      unit: '{run}',
      async read() {
        const { rows } = await sql<{ count: number }>`select count(*)::int as count from workflow_runs where status = 'running'`.execute(db);
        return rows[0]?.count ?? 0;
      },
    },
  ];
}
