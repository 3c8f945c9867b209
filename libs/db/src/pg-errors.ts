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
