-- Stacking loads every notification of the employees in a batch (any assignee, open or done) under their
-- locks: without this index that read scans the whole table once per batch.
create index notifications_of_employee on notifications (company_id, employee_id);
