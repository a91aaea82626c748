import type { Transaction } from 'kysely';
import type { AccountStatusChanged, WorkflowTaskOverdue } from '@provisio/contracts';
import { createChangeSet } from '../notifications/notification-changes.js';
import type { NotificationsDb } from '../tables.js';
import { foldAccountRequests, overlaps, type AccountRequest } from './account-requests.js';
import type { Account, ItemRow, StackingRepository, StackKey, StackResult } from './stacking-repository.js';

type Tx = Transaction<NotificationsDb>;

/** What one status event did to one request's item. */
export interface ItemOutcome {
  itemId: string;
  notificationId: string;
  /** `created`/`merged`: a new item stacked into a new or an existing notification; `moved`: to another assignee. */
  result: StackResult | 'moved' | 'updated' | 'removed';
}

export interface StackingServiceDeps {
  repo: StackingRepository;
}

/** Pairs each request with the stored item that shares a version with it, oldest first; the rest are new or stale. */
export function pairItems(requests: readonly AccountRequest[], items: readonly ItemRow[]) {
  const claimed = new Set<AccountRequest>();
  const pairs = new Map<AccountRequest, ItemRow>();
  const stale: ItemRow[] = [];
  for (const item of [...items].sort((a, b) => a.first_version - b.first_version)) {
    const request = requests.find(
      (candidate) => !claimed.has(candidate) && overlaps(candidate, { firstVersion: item.first_version, lastVersion: item.last_version }),
    );
    if (request) {
      claimed.add(request);
      pairs.set(request, item);
    } else {
      stale.push(item);
    }
  }
  return { pairs, stale };
}

function sameInstant(a: Date | null, b: string | null): boolean {
  if (a === null || b === null) return a === null && b === null;
  return new Date(a).getTime() === new Date(b).getTime();
}

function unchanged(item: ItemRow, request: AccountRequest): boolean {
  return (
    item.action === request.action &&
    item.state === request.state &&
    sameInstant(item.due_at, request.dueAt) &&
    item.first_version === request.firstVersion &&
    item.last_version === request.lastVersion &&
    item.opened_version === request.openedVersion &&
    item.closed_version === request.closedVersion &&
    sameInstant(item.requested_at, request.requestedAt) &&
    sameInstant(item.closed_at, request.closedAt) &&
    sameInstant(item.since, request.since)
  );
}

/**
 * Stacks account requests into notifications: one open notification per (company, assignee, employee), one
 * item per request. Each status event recomputes the requests of its account from every event seen
 * (see account-requests.ts) and brings the items in line, so a repeated, stale or early event cannot
 * resurrect or close the wrong item. Every notification it changes emits `notification.changed`.
 */
export function createStackingService({ repo }: StackingServiceDeps) {
  /** Where a request's item goes when it is new or must move: the open notification of its key. */
  async function place(tx: Tx, key: StackKey, request: AccountRequest): Promise<{ notificationId: string; result: StackResult }> {
    if (request.state === 'pending') return repo.mergeOrCreateOpen(tx, key);
    // A request first seen after it ended (its events arrived out of order) goes where it would have gone in
    // order: the notification that was open when it began, by the accounts service's clock; with none, a
    // closed notification of its own.
    const since = new Date(request.since).getTime();
    const spans = await repo.spans(tx, key);
    const covering = spans
      .filter((span) => span.start.getTime() <= since && (span.end === null || since <= span.end.getTime()))
      .sort((a, b) => b.start.getTime() - a.start.getTime())[0];
    if (covering) return { notificationId: covering.id, result: 'merged' };
    return { notificationId: await repo.createClosed(tx, key), result: 'created' };
  }

  return {
    async applyStatusChange(tx: Tx, event: AccountStatusChanged): Promise<ItemOutcome[]> {
      const account: Account = { companyId: event.companyId, employeeId: event.employeeId, providerId: event.providerId };
      await repo.lockEmployee(tx, account.companyId, account.employeeId);
      if (!(await repo.recordEvent(tx, event))) return [];

      const requests = foldAccountRequests(await repo.accountEvents(tx, account));
      const { pairs, stale } = pairItems(requests, await repo.accountItems(tx, account));
      const changes = createChangeSet(repo);
      const outcomes: ItemOutcome[] = [];

      for (const item of stale) {
        await repo.deleteItem(tx, item.id);
        changes.touch(item.notification_id);
        outcomes.push({ itemId: item.id, notificationId: item.notification_id, result: 'removed' });
      }

      for (const request of requests) {
        const item = pairs.get(request);
        const assigneeId = request.assigneeId;
        if (assigneeId === null) {
          // Nobody to notify (no event named an assignee).
          if (item) {
            await repo.deleteItem(tx, item.id);
            changes.touch(item.notification_id);
            outcomes.push({ itemId: item.id, notificationId: item.notification_id, result: 'removed' });
          }
          continue;
        }
        const key: StackKey = { companyId: account.companyId, assigneeId, employeeId: account.employeeId };
        const pending = request.state === 'pending';

        if (!item) {
          const placed = await place(tx, key, request);
          const itemId = await repo.insertItem(tx, placed.notificationId, account, assigneeId, request);
          changes.touch(placed.notificationId, { created: placed.result === 'created', pendingArrived: pending });
          outcomes.push({ itemId, notificationId: placed.notificationId, result: placed.result });
          continue;
        }

        // A pending request belongs in its assignee's open notification: it moves after a reassignment, or
        // when an earlier guess had put it elsewhere.
        const misplaced = item.assignee_id !== assigneeId || (pending && item.notification_state !== 'open');
        if (!misplaced && unchanged(item, request)) continue;
        let notificationId = item.notification_id;
        if (misplaced) {
          const placed = await place(tx, key, request);
          notificationId = placed.notificationId;
          changes.touch(item.notification_id);
          changes.touch(notificationId, { created: placed.result === 'created', pendingArrived: pending });
        } else if (item.state !== request.state || !sameInstant(item.due_at, request.dueAt)) {
          changes.touch(notificationId);
        }
        await repo.updateItem(tx, item.id, {
          notificationId,
          assigneeId,
          request,
          clearOverdue: !sameInstant(item.due_at, request.dueAt),
        });
        outcomes.push({ itemId: item.id, notificationId, result: misplaced ? 'moved' : 'updated' });
      }

      await changes.commit(tx);
      return outcomes;
    },

    /** The workflow says a task passed its due date: its still-pending items show as overdue. */
    async markOverdue(tx: Tx, event: WorkflowTaskOverdue): Promise<string[]> {
      await repo.lockEmployee(tx, event.companyId, event.employeeId);
      const notificationIds = await repo.markOverdue(tx, { companyId: event.companyId, employeeId: event.employeeId }, event.action, event.providerIds);
      const changes = createChangeSet(repo);
      for (const id of notificationIds) changes.touch(id);
      await changes.commit(tx);
      return notificationIds;
    },
  };
}
export type StackingService = ReturnType<typeof createStackingService>;
