import { useSearchParams } from 'react-router';

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
