import type { UserSession } from '@tenantry/db';

/** One sign-in of the caller: a refresh-token family, from its login to its latest refresh. */
export class SessionResponse {
  /** @example "2b1f0c9e-8d7a-4c6b-9e5f-4a3b2c1d0e9f" */
  id: string;

  createdAt: Date;

  /** The latest sign-in or refresh of the session. */
  lastUsedAt: Date;

  /** The client IP of the latest sign-in or refresh. @example "203.0.113.7" */
  ip: string | null;

  /** @example "Mozilla/5.0 (X11; Linux x86_64)" */
  userAgent: string | null;

  /** Whether the request's own access token belongs to this session. @example true */
  current: boolean;
}

export class SessionList {
  data: SessionResponse[];
}

export const toSessionResponse = (row: UserSession, currentId: string | undefined): SessionResponse => ({
  id: row.id,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  ip: row.ip,
  userAgent: row.userAgent,
  current: row.id === currentId,
});
