/**
 * The PostgreSQL error codes (SQLSTATE, see the PostgreSQL manual's appendix "Error Codes") that
 * code here acts on, by their manual names: named once, never as bare strings.
 */
export const PG_ERROR = {
  STRING_DATA_RIGHT_TRUNCATION: '22001',
  NUMERIC_VALUE_OUT_OF_RANGE: '22003',
  INVALID_DATETIME_FORMAT: '22007',
  DATETIME_FIELD_OVERFLOW: '22008',
  INVALID_TIME_ZONE_DISPLACEMENT_VALUE: '22009',
  CHARACTER_NOT_IN_REPERTOIRE: '22021',
  INVALID_TEXT_REPRESENTATION: '22P02',
  NOT_NULL_VIOLATION: '23502',
  FOREIGN_KEY_VIOLATION: '23503',
  UNIQUE_VIOLATION: '23505',
  CHECK_VIOLATION: '23514',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  INSUFFICIENT_PRIVILEGE: '42501',
  LOCK_NOT_AVAILABLE: '55P03',
  QUERY_CANCELED: '57014',
} as const;

/** The PostgreSQL error fields we map to HTTP answers. */
export interface PgError {
  code: string;
  message: string;
  detail?: string;
  constraint_name?: string;
  column_name?: string;
}

/** postgres.js errors arrive wrapped by drizzle (DrizzleQueryError.cause); unwrap either shape. */
export function asPgError(error: unknown): PgError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current; depth += 1) {
    const candidate = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return candidate as PgError;
    }
    current = candidate.cause;
  }
  return undefined;
}

/** Driver and socket codes of a database that cannot be reached or whose connection broke. */
const UNAVAILABLE_CODES = new Set([
  'CONNECTION_LOST',
  'CONNECTION_ACQUIRE_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The database is unreachable, restarting or shutting down, or the connection broke: a condition
 * that passes, answered 503 with Retry-After rather than 500. SQLSTATE class 08 (connection
 * exceptions, also what PgBouncer reports), 57P01..57P03 (admin or crash shutdown, cannot connect
 * now), 53300 (too many connections).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code) || code === '53300')) {
      return true;
    }
    // Node's net errors for a host with several addresses arrive as an AggregateError.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
