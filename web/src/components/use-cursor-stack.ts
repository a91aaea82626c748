import { useCallback, useState } from 'react';

/**
 * Cursor pagination with Previous: a stack of the cursors that opened each page seen so far.
 * The stack starts over whenever `resetKey` changes (new filters mean new cursors); this is derived
 * during render, so no request is ever sent with an old cursor and new filters.
 */
export function useCursorStack(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: (string | null)[] }>({ key: resetKey, stack: [null] });
  const stack = state.key === resetKey ? state.stack : [null];
  const cursor = stack[stack.length - 1] ?? null;
  const next = useCallback(
    (nextCursor: string) =>
      setState((s) => ({ key: resetKey, stack: [...(s.key === resetKey ? s.stack : [null]), nextCursor] })),
    [resetKey],
  );
  const previous = useCallback(
    () =>
      setState((s) => {
        const current = s.key === resetKey ? s.stack : [null];
        return { key: resetKey, stack: current.length > 1 ? current.slice(0, -1) : current };
      }),
    [resetKey],
  );
  return { cursor, pageNumber: stack.length, hasPrevious: stack.length > 1, next, previous };
}
