export function Pager({
  pageNumber,
  hasPrevious,
  nextCursor,
  onPrevious,
  onNext,
  busy,
  label = 'Pages',
}: {
  pageNumber: number;
  hasPrevious: boolean;
  nextCursor: string | null | undefined;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
  busy?: boolean;
  label?: string;
}) {
  if (!hasPrevious && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button" disabled={!hasPrevious || busy} onClick={onPrevious}>
        Previous
      </button>
      <span className="pager__page" aria-live="polite">
        Page {pageNumber}
      </span>
      <button type="button" className="button" disabled={!nextCursor || busy} onClick={() => nextCursor && onNext(nextCursor)}>
        Next
      </button>
    </nav>
  );
}
