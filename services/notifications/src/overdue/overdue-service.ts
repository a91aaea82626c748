import type { Transaction } from 'kysely';
import type { WorkflowTaskOverdue } from '@provisio/contracts';
import { emitNotificationChanged } from '../notifications/notification-changes.js';
import type { StackingRepository } from '../stacking/stacking-repository.js';
import type { NotificationsDb } from '../tables.js';

/** The workflow says a task passed its due date: its still-pending items show as overdue, and their notifications change. */
export function createOverdueService({ repo }: { repo: Pick<StackingRepository, 'lockEmployees' | 'markOverdue' | 'bump'> }) {
  return {
    async markOverdue(tx: Transaction<NotificationsDb>, event: WorkflowTaskOverdue): Promise<string[]> {
      const employee = { companyId: event.companyId, employeeId: event.employeeId };
      await repo.lockEmployees(tx, [employee]);
      const notificationIds = await repo.markOverdue(tx, employee, event.action, event.providerIds);
      for (const id of notificationIds.sort()) {
        const changed = await repo.bump(tx, id);
        if (changed) await emitNotificationChanged(tx, { ...changed, pending: changed.pending ?? 0 }, 'updated');
      }
      return notificationIds;
    },
  };
}
export type OverdueService = ReturnType<typeof createOverdueService>;
