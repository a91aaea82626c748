-- The overdue sweep looks for pending items past their due date that are not marked yet, every minute: only
-- those rows are in this index, so the search reads a handful of entries instead of every item.
create index notification_items_due on notification_items (due_at) where state = 'pending' and overdue_at is null and due_at is not null;
