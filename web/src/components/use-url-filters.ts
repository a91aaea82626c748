import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useDebouncedValue } from './use-debounced-value';

/**
 * List filters kept in the URL (so a filtered list can be linked and survives a reload): the current values,
 * and a setter that changes the given ones, dropping empty values, without adding a history entry.
 */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  const setFilters = (patch: Record<string, string>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(patch)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  return { params, setFilters };
}

/**
 * The search box of a list, kept in the URL as `q`: what the box shows (at once), the trimmed value to query
 * with (debounced), and the change handler that updates both.
 */
export function useUrlSearch() {
  const { params, setFilters } = useUrlFilters();
  const [value, setValue] = useState(params.get('q') ?? '');
  const query = useDebouncedValue(value.trim(), 300);
  const onChange = (next: string) => {
    setValue(next);
    setFilters({ q: next.trim() });
  };
  return { value, query, onChange };
}
