-- Runs once, when the PostgreSQL volume is created: one database per service (contract, section 1). The
-- services create their tables themselves, at start, under an advisory lock.
create database providers;
create database accounts;
create database workflows;
create database notifications;
