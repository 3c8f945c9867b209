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
