import type { WorkflowStatus } from '../api/workflows';
import type { RunStatus, TaskStatus } from '../api/workflow-runs';

const LABELS: Record<WorkflowStatus | RunStatus | TaskStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  archived: 'Archived',
  running: 'Running',
  completed: 'Completed',
  cancelled: 'Cancelled',
  open: 'Open',
  overdue: 'Overdue',
};

export function WorkflowStatusBadge({ status }: { status: WorkflowStatus | RunStatus | TaskStatus }) {
  return <span className={`badge badge--wf-${status}`}>{LABELS[status] ?? status}</span>;
}
