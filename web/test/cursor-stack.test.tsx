import { describe, expect, it } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import { useCursorStack } from '../src/components/use-cursor-stack';

describe('useCursorStack', () => {
  // Next/Previous walk a stack of cursors; new filters start over without ever pairing them with an old cursor.
  it('pushes, pops and resets with the filters', () => {
    const { result, rerender } = renderHook(({ key }) => useCursorStack(key), { initialProps: { key: 'a' } });
    expect(result.current).toMatchObject({ cursor: null, pageNumber: 1, hasPrevious: false });
    act(() => result.current.next('c2'));
    act(() => result.current.next('c3'));
    expect(result.current).toMatchObject({ cursor: 'c3', pageNumber: 3, hasPrevious: true });
    act(() => result.current.previous());
    expect(result.current).toMatchObject({ cursor: 'c2', pageNumber: 2 });
    rerender({ key: 'b' });
    expect(result.current).toMatchObject({ cursor: null, pageNumber: 1, hasPrevious: false });
    act(() => result.current.next('x2'));
    expect(result.current.cursor).toBe('x2');
  });
});
