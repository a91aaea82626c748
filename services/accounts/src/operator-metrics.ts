import { sql, type Kysely } from 'kysely';
import type { GaugeDefinition } from '@provisio/telemetry';
import type { AccountsDb } from './tables.js';

/**
 * What an operator watches in the accounts service, read with read-only queries when metrics are collected
 * (Prometheus: `provisio_accounts_open_requests{status}`, `provisio_accounts_risks`). Totals over every
 * company: a company id never becomes a label.
 */
export function accountsGauges(db: Kysely<AccountsDb>): GaugeDefinition[] {
  return [
    {
      name: 'provisio.accounts.open_requests',
      description: 'Accounts waiting for an assignee: provisioning_requested and deprovisioning_requested.',
      unit: '{account}',
      async read() {
        // account_counts is kept in the transaction of every change, so this never scans the accounts.
        const { rows } = await sql<{ status: string; count: number }>`
          select status, coalesce(sum(count), 0)::int as count from account_counts
          where status in ('provisioning_requested', 'deprovisioning_requested') group by status`.execute(db);
        const byStatus = new Map(rows.map((row) => [row.status, row.count]));
        return ['provisioning_requested', 'deprovisioning_requested'].map((status) => ({
          value: byStatus.get(status) ?? 0,
          attributes: { status },
        }));
      },
    },
    {
      name: 'provisio.accounts.risks',
      description: 'Accounts still provisioned (or waiting for deprovisioning) of people who are terminated.',
      unit: '{account}',
      async read() {
        const { rows } = await sql<{ count: number }>`
          select count(*)::int as count from accounts a
          join roster_employees e on e.company_id = a.company_id and e.id = a.employee_id
          where e.status = 'terminated' and a.status in ('provisioned', 'deprovisioning_requested')`.execute(db);
        return rows[0]?.count ?? 0;
      },
    },
  ];
}
