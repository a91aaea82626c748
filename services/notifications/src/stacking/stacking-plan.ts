import { foldAccountRequests, overlaps, type AccountEvent, type AccountRequest } from './account-requests.js';

/**
 * Plans, in memory, what a batch of status events does to one employee's notifications. Pure: the stacker
 * loads the employee's notifications and items (locked), hands them here with every event of each account
 * that has news, and writes back what changed.
 *
 * Rules (contract section 5, issue 5):
 * - One open notification per (company, assignee, employee); a pending request is an item in its
 *   assignee's open notification, created when there is none (`created`) or stacked into it (`merged`).
 * - An item follows its request: done, cancelled, a new due date, a new assignee (it moves).
 * - A notification with no pending item left is done and never reopens; a later request opens a new one.
 * - A request first seen after it ended goes where it would have gone had the events come in order (by the
 *   accounts service's clock), else into a closed notification of its own.
 */

export interface NotificationModel {
  id: string;
  assigneeId: string;
  state: 'open' | 'done';
  read: boolean;
  version: number;
  /** Not stored yet. */
  isNew: boolean;
  /** Its items or state changed in this plan. */
  touched: boolean;
  /** A pending item arrived: it becomes unread. */
  pendingArrived: boolean;
  /** Closed by this plan. */
  closing: boolean;
}

/** An item: the request it follows (as stored), where it is, and what this plan does to it. */
export interface ItemModel extends Omit<AccountRequest, 'assigneeId'> {
  id: string;
  notificationId: string;
  providerId: string;
  /** A stored item always names one (the column is not null). */
  assigneeId: string;
  change: 'none' | 'insert' | 'update' | 'delete';
  /** The due date changed: an overdue mark from the workflow no longer applies. */
  clearOverdue: boolean;
}

export interface EmployeeModel {
  companyId: string;
  employeeId: string;
  notifications: NotificationModel[];
  items: ItemModel[];
}

export type StackResult = 'created' | 'merged';

export interface ItemOutcome {
  itemId: string;
  providerId: string;
  notificationId: string;
  /** `created`/`merged`: a new item stacked into a new or an existing notification; `moved`: to another one. */
  result: StackResult | 'moved' | 'updated' | 'removed';
}

/** A notification as it is after the plan, to store and to announce with `notification.changed`. */
export interface NotificationChange {
  notification: NotificationModel;
  pending: number;
  total: number;
  change: 'created' | 'updated';
  /** No item left: it is deleted (a notification whose only request moved to another assignee). */
  remove: boolean;
}

export interface EmployeePlan {
  outcomes: ItemOutcome[];
  changes: NotificationChange[];
}

const ms = (iso: string) => new Date(iso).getTime();
const sameInstant = (a: string | null, b: string | null) => (a === null || b === null ? a === b : ms(a) === ms(b));

function sameRequest(item: ItemModel, request: AccountRequest): boolean {
  return (
    item.action === request.action &&
    item.state === request.state &&
    sameInstant(item.dueAt, request.dueAt) &&
    item.firstVersion === request.firstVersion &&
    item.lastVersion === request.lastVersion &&
    item.openedVersion === request.openedVersion &&
    item.closedVersion === request.closedVersion &&
    sameInstant(item.requestedAt, request.requestedAt) &&
    sameInstant(item.closedAt, request.closedAt) &&
    sameInstant(item.since, request.since)
  );
}

/** Pairs each request with the stored item that shares a version with it, oldest first; the rest are new or stale. */
export function pairItems(requests: readonly AccountRequest[], items: readonly ItemModel[]) {
  const claimed = new Set<AccountRequest>();
  const pairs = new Map<AccountRequest, ItemModel>();
  const stale: ItemModel[] = [];
  for (const item of [...items].sort((a, b) => a.firstVersion - b.firstVersion)) {
    const request = requests.find((candidate) => !claimed.has(candidate) && overlaps(candidate, item));
    if (request) {
      claimed.add(request);
      pairs.set(request, item);
    } else {
      stale.push(item);
    }
  }
  return { pairs, stale };
}

/**
 * Applies every event of the given accounts to the employee's model (mutating it) and returns what changed.
 * `accounts` should come in the order their news arrived; `newId` makes ids for new rows.
 */
export function planEmployee(
  model: EmployeeModel,
  accounts: readonly { providerId: string; events: readonly AccountEvent[] }[],
  newId: () => string,
): EmployeePlan {
  const outcomes: ItemOutcome[] = [];
  const live = () => model.items.filter((item) => item.change !== 'delete');
  const notification = (id: string) => model.notifications.find((n) => n.id === id)!;

  /** Removes an item: a stored one is deleted, one created by this plan is simply forgotten. */
  function drop(item: ItemModel) {
    if (item.change === 'insert') model.items.splice(model.items.indexOf(item), 1);
    else item.change = 'delete';
    touch(item.notificationId);
    outcomes.push({ itemId: item.id, providerId: item.providerId, notificationId: item.notificationId, result: 'removed' });
  }

  function touch(id: string, options: { pendingArrived?: boolean } = {}) {
    const target = notification(id);
    target.touched = true;
    if (options.pendingArrived) target.pendingArrived = true;
  }

  /** Closes notifications left without a pending item, at once, so a later request in the same plan opens a new one. */
  function settleStates() {
    for (const n of model.notifications) {
      if (n.state !== 'open' || !n.touched) continue;
      if (!live().some((item) => item.notificationId === n.id && item.state === 'pending')) {
        n.state = 'done';
        n.closing = true;
      }
    }
  }

  function create(assigneeId: string, state: 'open' | 'done'): NotificationModel {
    const created: NotificationModel = {
      id: newId(),
      assigneeId,
      state,
      read: false,
      version: 1,
      isNew: true,
      touched: true,
      pendingArrived: false,
      closing: state === 'done',
    };
    model.notifications.push(created);
    return created;
  }

  /** The notification a new or moving request goes into, and whether stacking created it or merged into it. */
  function place(assigneeId: string, request: AccountRequest): { id: string; result: StackResult } {
    const ofAssignee = model.notifications.filter((n) => n.assigneeId === assigneeId);
    if (request.state === 'pending') {
      const open = ofAssignee.find((n) => n.state === 'open');
      return open ? { id: open.id, result: 'merged' } : { id: create(assigneeId, 'open').id, result: 'created' };
    }
    const since = ms(request.since);
    const spans = ofAssignee.flatMap((n) => {
      const items = live().filter((item) => item.notificationId === n.id);
      if (items.length === 0) return [];
      const start = Math.min(...items.map((item) => ms(item.since)));
      const closes = items.map((item) => (item.closedAt === null ? Number.NaN : ms(item.closedAt))).filter((at) => !Number.isNaN(at));
      const end = n.state === 'open' || closes.length === 0 ? Number.POSITIVE_INFINITY : Math.max(...closes);
      return start <= since && since <= end ? [{ id: n.id, start }] : [];
    });
    const covering = spans.sort((a, b) => b.start - a.start)[0];
    return covering ? { id: covering.id, result: 'merged' } : { id: create(assigneeId, 'done').id, result: 'created' };
  }

  for (const account of accounts) {
    const requests = foldAccountRequests(account.events);
    const { pairs, stale } = pairItems(
      requests,
      live().filter((item) => item.providerId === account.providerId),
    );

    for (const item of stale) drop(item);

    for (const request of requests) {
      const item = pairs.get(request);
      const assigneeId = request.assigneeId;
      if (assigneeId === null) {
        // Nobody to notify: no event of this request named an assignee.
        if (item) drop(item);
        continue;
      }
      const pending = request.state === 'pending';
      const fields = {
        action: request.action,
        state: request.state,
        assigneeId,
        dueAt: request.dueAt,
        firstVersion: request.firstVersion,
        lastVersion: request.lastVersion,
        openedVersion: request.openedVersion,
        closedVersion: request.closedVersion,
        requestedAt: request.requestedAt,
        closedAt: request.closedAt,
        since: request.since,
      };

      if (!item) {
        const placed = place(assigneeId, request);
        const created: ItemModel = { id: newId(), notificationId: placed.id, providerId: account.providerId, ...fields, change: 'insert', clearOverdue: false };
        model.items.push(created);
        touch(placed.id, { pendingArrived: pending });
        outcomes.push({ itemId: created.id, providerId: account.providerId, notificationId: placed.id, result: placed.result });
        continue;
      }

      // A pending request belongs in its assignee's open notification: it moves after a reassignment, or when
      // an earlier guess (events missing at the time) had put it elsewhere.
      const misplaced = item.assigneeId !== assigneeId || (pending && notification(item.notificationId).state !== 'open');
      if (!misplaced && sameRequest(item, request)) continue;
      const visible = misplaced || item.state !== request.state || !sameInstant(item.dueAt, request.dueAt);
      const clearOverdue = item.clearOverdue || !sameInstant(item.dueAt, request.dueAt);
      if (misplaced) {
        const from = item.notificationId;
        const placed = place(assigneeId, request);
        touch(from);
        touch(placed.id, { pendingArrived: pending });
        item.notificationId = placed.id;
      } else if (visible) {
        touch(item.notificationId);
      }
      Object.assign(item, fields, { clearOverdue, change: item.change === 'insert' ? 'insert' : 'update' });
      outcomes.push({ itemId: item.id, providerId: item.providerId, notificationId: item.notificationId, result: misplaced ? 'moved' : 'updated' });
    }
    settleStates();
  }

  const changes: NotificationChange[] = [];
  for (const n of model.notifications) {
    if (!n.touched) continue;
    const items = live().filter((item) => item.notificationId === n.id);
    const pending = items.filter((item) => item.state === 'pending').length;
    if (items.length === 0 && n.isNew) continue;
    if (n.pendingArrived) n.read = false;
    if (!n.isNew) n.version += 1;
    changes.push({ notification: n, pending, total: items.length, change: n.isNew ? 'created' : 'updated', remove: items.length === 0 });
  }
  return { outcomes, changes };
}
