import type { Transaction } from 'kysely';
import { notificationChanged } from '@provisio/contracts';
import { emit } from '@provisio/messaging';
import type { NotificationSummary } from '../stacking/stacking-repository.js';
import type { NotificationsDb } from '../tables.js';

export const EVENT_SOURCE = 'provisio/notifications';

interface Touch {
  created: boolean;
  pendingArrived: boolean;
}

export interface ChangeSetRepo {
  settle(tx: Transaction<NotificationsDb>, id: string, options: Touch): Promise<NotificationSummary | undefined>;
}

/**
 * The notifications one transaction changed. `commit` settles each once (state, read, version) and emits one
 * `notification.changed` per notification through the outbox, in the same transaction.
 */
export function createChangeSet(repo: ChangeSetRepo) {
  const touched = new Map<string, Touch>();
  return {
    touch(id: string, touch: Partial<Touch> = {}): void {
      const previous = touched.get(id) ?? { created: false, pendingArrived: false };
      touched.set(id, {
        created: previous.created || touch.created === true,
        pendingArrived: previous.pendingArrived || touch.pendingArrived === true,
      });
    },
    get size(): number {
      return touched.size;
    },
    async commit(tx: Transaction<NotificationsDb>): Promise<NotificationSummary[]> {
      const settled: NotificationSummary[] = [];
      for (const [id, touch] of [...touched].sort(([a], [b]) => a.localeCompare(b))) {
        const summary = await repo.settle(tx, id, touch);
        if (!summary) continue;
        await emitNotificationChanged(tx, summary, touch.created ? 'created' : 'updated');
        settled.push(summary);
      }
      touched.clear();
      return settled;
    },
  };
}
export type ChangeSet = ReturnType<typeof createChangeSet>;

export async function emitNotificationChanged(
  tx: Transaction<NotificationsDb>,
  summary: Pick<NotificationSummary, 'id' | 'company_id' | 'assignee_id' | 'employee_id' | 'state' | 'version' | 'pending'>,
  change: 'created' | 'updated',
): Promise<void> {
  const event = notificationChanged.build(
    {
      companyId: summary.company_id,
      notificationId: summary.id,
      assigneeId: summary.assignee_id,
      employeeId: summary.employee_id,
      change,
      state: summary.state,
      pendingItems: summary.pending,
      version: summary.version,
    },
    { source: EVENT_SOURCE, subject: summary.id },
  );
  await emit(tx as Transaction<unknown>, event, summary.id);
}
