const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function parse(value: string): Date | null {
  // A plain YYYY-MM-DD is a calendar date: read it at local noon so no time zone moves it a day.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00`) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = parse(value);
  return d ? dateFormat.format(d) : value;
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = parse(value);
  return d ? dateTimeFormat.format(d) : value;
}

export function isPast(value: string | null | undefined, now = Date.now()): boolean {
  if (!value) return false;
  const d = parse(value);
  return d !== null && d.getTime() < now;
}
