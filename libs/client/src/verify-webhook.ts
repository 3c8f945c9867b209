/**
 * Verifying a tenantry webhook on the receiving side, per Standard Webhooks: the signature
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` over the raw body, keyed by the base64 part of
 * the endpoint's `whsec_` secret; the timestamp within a tolerance (a replayed request is
 * refused); every comparison in constant time. It uses Web Crypto only, so it runs in Node.js
 * (20 and later), Deno, Bun, edge runtimes and browsers alike.
 */

/** A tenantry event as a webhook carries it (what `GET /v1/events` lists). */
export interface WebhookEvent<TObject = Record<string, unknown>> {
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  data: { object: TObject; previous?: Partial<TObject> };
}

/** A `Headers` object (fetch, edge runtimes) or a plain record (Node.js `req.headers`, Express). */
export type WebhookHeaderSource = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now, either way (default 300 seconds). */
  toleranceSeconds?: number;
  /** The time to judge the timestamp by, in milliseconds since the epoch (default `Date.now()`). */
  now?: number;
}

/** The request is not an authentic, fresh tenantry webhook; answer it with a 4xx. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
const encoder = new TextEncoder();

function header(headers: WebhookHeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value.join(' ') : value;
}

function base64ToBytes(value: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) return undefined;
  const binary = atob(value.padEnd(value.length + ((4 - (value.length % 4)) % 4), '='));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Equal length and equal bytes, in time that depends on the length only. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}

/**
 * Checks a webhook request and answers its event. `body` is the raw body exactly as received
 * (a string or the bytes; never a re-serialised JSON object). Throws WebhookVerificationError
 * when a header is missing, the timestamp is outside the tolerance, or no `v1` signature matches.
 * Deduplicate on `event.id` (the `webhook-id` header): a retry carries the same.
 *
 *   const event = await verifyWebhook(process.env.TENANTRY_WEBHOOK_SECRET!, req.headers, rawBody);
 */
export async function verifyWebhook<TObject = Record<string, unknown>>(
  secret: string,
  headers: WebhookHeaderSource,
  body: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent<TObject>> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not a number of seconds');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) throw new WebhookVerificationError('webhook-timestamp is outside the tolerance');

  const keyBytes = base64ToBytes(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (!keyBytes || keyBytes.length === 0) throw new TypeError('the secret is not a whsec_ secret (base64 after the prefix)');
  const bodyBytes = typeof body === 'string' ? encoder.encode(body) : body;
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + bodyBytes.length);
  signed.set(prefix, 0);
  signed.set(bodyBytes, prefix.length);
  const key = await globalThis.crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, signed));

  // Every entry is compared (no early exit), so the time says nothing of which one matched.
  let isAuthentic = false;
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = base64ToBytes(entry.slice(comma + 1));
    if (given && constantTimeEqual(given, expected)) isAuthentic = true;
  }
  if (!isAuthentic) throw new WebhookVerificationError('no matching v1 signature');
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return JSON.parse(text) as WebhookEvent<TObject>;
  } catch {
    throw new WebhookVerificationError('the body is not JSON');
  }
}
