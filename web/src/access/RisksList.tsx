import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { listAccessRisks } from '../api/access';
import type { AccessRisk } from '../api/access';
import { queryKeys } from '../api/query-keys';
import { StatusBadge } from '../accounts/StatusBadge';
import { useAccountAction } from '../accounts/use-account-action';
import { Empty, QueryState } from '../components/QueryState';
import { formatDate } from '../components/format';

/** People who left and still hold access, oldest termination first. */
export function RisksList() {
  const risks = useQuery({ queryKey: queryKeys.risks, queryFn: ({ signal }) => listAccessRisks(signal) });
  const action = useAccountAction();
  return (
    <section aria-label="Risks">
      <QueryState query={risks} loadingLabel="Loading risks…">
        {(page) => {
          const items = [...page.items].sort((a, b) => b.daysSinceTermination - a.daysSinceTermination);
          if (items.length === 0) return <Empty>No risks: nobody who left still holds access.</Empty>;
          return (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">People who left and still hold access</caption>
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Provider</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="hide-narrow">Terminated</th>
                    <th scope="col">Days since</th>
                    <th scope="col">
                      <span className="visually-hidden">Action</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <RiskRow
                      key={`${r.employee.id}:${r.provider.id}`}
                      risk={r}
                      busy={action.isPending && action.variables?.employeeId === r.employee.id && action.variables.providerId === r.provider.id}
                      onRequest={() =>
                        action.mutate({
                          providerId: r.provider.id,
                          providerName: r.provider.name,
                          employeeId: r.employee.id,
                          employeeName: r.employee.name,
                          action: 'request-deprovisioning',
                        })
                      }
                    />
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </QueryState>
    </section>
  );
}

function RiskRow({ risk: r, busy, onRequest }: { risk: AccessRisk; busy: boolean; onRequest: () => void }) {
  return (
    <tr>
      <td>
        <Link to={`/people/${encodeURIComponent(r.employee.id)}`}>{r.employee.name}</Link>
      </td>
      <td>{r.provider.name}</td>
      <td>
        <StatusBadge status={r.status} />
      </td>
      <td className="hide-narrow">{formatDate(r.terminationDate)}</td>
      <td>
        <span className={r.daysSinceTermination > 0 ? 'text-overdue' : undefined}>{r.daysSinceTermination}</span>
      </td>
      <td>
        {r.status === 'provisioned' ? (
          <button
            type="button"
            className="button button--small button--primary"
            disabled={busy}
            onClick={onRequest}
            aria-label={`Request Deprovisioning of ${r.provider.name} for ${r.employee.name}`}
          >
            Request Deprovisioning
          </button>
        ) : (
          <span className="muted small">Requested</span>
        )}
      </td>
    </tr>
  );
}
