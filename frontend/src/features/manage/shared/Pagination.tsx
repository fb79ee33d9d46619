interface PaginationProps {
  page: number;
  totalPages: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onChange: (page: number) => void;
}

export function Pagination({ page, totalPages, hasPrevious, hasNext, onChange }: PaginationProps) {
  return (
    <nav className="pagination" aria-label="Pagination">
      <button
        type="button"
        className="button button--secondary button--small"
        disabled={!hasPrevious}
        onClick={() => onChange(page - 1)}
      >
        Previous
      </button>
      <span className="pagination__status">
        Page {page} of {Math.max(page, totalPages)}
      </span>
      <button type="button" className="button button--secondary button--small" disabled={!hasNext} onClick={() => onChange(page + 1)}>
        Next
      </button>
    </nav>
  );
}
