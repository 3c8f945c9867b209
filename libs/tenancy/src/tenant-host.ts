/**
 * The tenant slug a request's host names, when the host is `<slug>.<baseDomain>` (port ignored).
 * Returns undefined for any other host, including the bare base domain.
 */
export function slugFromHost(host: string | undefined, baseDomain: string | undefined): string | undefined {
  if (!host || !baseDomain) return undefined;
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  const suffix = `.${baseDomain.toLowerCase()}`;
  if (!hostname.endsWith(suffix)) return undefined;
  const label = hostname.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.') ? label : undefined;
}
