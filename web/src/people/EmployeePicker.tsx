import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { listEmployees } from '../api/employees';
import type { Employee } from '../api/employees';
import { queryKeys } from '../api/query-keys';
import { useDebouncedValue } from '../components/use-debounced-value';

/** Search the roster by name or email and pick one person (used as a filter and to start a run by hand). */
export function EmployeePicker({
  label,
  value,
  onChange,
}: {
  label: string;
  value: { id: string; name: string } | null;
  onChange: (employee: Pick<Employee, 'id' | 'name'> | null) => void;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const q = useDebouncedValue(text.trim(), 250);
  const results = useQuery({
    queryKey: [...queryKeys.employees, 'picker', q],
    queryFn: ({ signal }) => listEmployees({ q, limit: 8 }, signal),
    enabled: q.length >= 2 && !value,
  });

  if (value) {
    return (
      <div className="field field--inline">
        <span className="field__label" id={`${id}-label`}>
          {label}
        </span>
        <div className="picked" aria-labelledby={`${id}-label`}>
          <span>{value.name}</span>
          <button type="button" className="button button--small" onClick={() => onChange(null)} aria-label={`Clear ${label}`}>
            Clear
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="field field--inline picker">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={text} placeholder="Type a name" onChange={(e) => setText(e.target.value)} autoComplete="off" />
      {q.length >= 2 && (
        <div className="picker__results">
          {results.isPending ? (
            <p className="muted small">Searching…</p>
          ) : results.isError ? (
            <p className="field__error">Could not search: {results.error.message}</p>
          ) : results.data.items.length === 0 ? (
            <p className="muted small">No one found.</p>
          ) : (
            <ul aria-label={`${label}: results`}>
              {results.data.items.map((e) => (
                <li key={e.id}>
                  <button
                    type="button"
                    className="picker__option"
                    onClick={() => {
                      onChange({ id: e.id, name: e.name });
                      setText('');
                    }}
                  >
                    {e.name} <span className="muted small">{e.email}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
