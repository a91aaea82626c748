import type { Transaction } from 'kysely';
import type { WorkflowTaskOverdue } from '@provisio/contracts';
import { emitNotificationChanged } from '../notifications/notification-changes.js';
import { employeeKey, type Employee, type StackingRepository } from '../stacking/stacking-repository.js';
import type { NotificationsDb } from '../tables.js';
import type { DueItem, NotificationOf, OverdueRepository } from './overdue-repository.js';

export interface OverdueServiceDeps {
  repo: Pick<StackingRepository, 'lockEmployees' | 'markOverdue' | 'bump'>;
  dueItems: Pick<OverdueRepository, 'markDue'>;
}

/**
 * Items become overdue in two ways: the workflow says their task passed its due date, or their own due date
 * passes (the sweep). Either way, under the employees' stacking locks, each notification with a newly
 * overdue item goes one version up and is announced once.
 */
export function createOverdueService({ repo, dueItems }: OverdueServiceDeps) {
  /** One version up and one `notification.changed` per notification, in id order. */
  async function announce(tx: Transaction<NotificationsDb>, notifications: readonly NotificationOf[]): Promise<void> {
    for (const { companyId, id } of [...notifications].sort((a, b) => a.id.localeCompare(b.id))) {
      const changed = await repo.bump(tx, companyId, id);
      if (changed) await emitNotificationChanged(tx, { ...changed, pending: changed.pending ?? 0 }, 'updated');
    }
  }

  return {
    async markOverdue(tx: Transaction<NotificationsDb>, event: WorkflowTaskOverdue): Promise<string[]> {
      const employee = { companyId: event.companyId, employeeId: event.employeeId };
      await repo.lockEmployees(tx, [employee]);
      const notificationIds = await repo.markOverdue(tx, employee, event.action, event.providerIds);
      await announce(tx, notificationIds.map((id) => ({ companyId: event.companyId, id })));
      return notificationIds;
    },

    /** Items found past due (`OverdueRepository.findDue`): all their employees' due items are marked; returns what changed. */
    async markDue(tx: Transaction<NotificationsDb>, items: readonly DueItem[]): Promise<{ marked: number; notificationIds: string[] }> {
      if (items.length === 0) return { marked: 0, notificationIds: [] };
      const employees = [...new Map<string, Employee>(items.map((item) => [employeeKey(item), { companyId: item.companyId, employeeId: item.employeeId }])).values()];
      await repo.lockEmployees(tx, employees);
      const { marked, notifications } = await dueItems.markDue(tx, employees);
      await announce(tx, notifications);
      return { marked, notificationIds: notifications.map((notification) => notification.id) };
    },
  };
}
export type OverdueService = ReturnType<typeof createOverdueService>;
