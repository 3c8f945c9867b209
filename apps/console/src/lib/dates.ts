/** A timestamp as a person reads it, in the tenant's time zone (UTC when it has none or a bad one). */
export function formatDateTime(iso: string | null | undefined, timeZone = 'UTC', locale = 'en'): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short', timeZone };
  try {
    return new Intl.DateTimeFormat(locale, options).format(date);
  } catch {
    return new Intl.DateTimeFormat('en', { ...options, timeZone: 'UTC' }).format(date);
  }
}

/** A `datetime-local`/`date` input value as an ISO timestamp (the browser's local time), or undefined. */
export function isoFromInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
