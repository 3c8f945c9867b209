import { useSyncExternalStore } from 'react';
import { ApiError, createTenantryClient, unwrap, type Schemas } from '@tenantry/client';

type ConsoleSession = Schemas['ConsoleSessionResponse'];
type SignInAnswer = ConsoleSession | Schemas['MfaChallengeResponse'];

/** The password was right and the account has a second factor: the token for the code step. */
export interface MfaChallenge {
  mfaToken: string;
}

/** A second factor: the authenticator's code or one of the recovery codes. */
export type MfaProof = { code: string } | { recoveryCode: string };

/** The routes of the console's session API (tenant or admin). */
interface SessionRoutes {
  login: string;
  mfa: string;
  refresh: string;
  logout: string;
}

export interface Impersonation {
  tenantId: string;
  tenantName: string;
  userEmail: string;
}

interface SessionState {
  /** false until the first silent refresh has answered. */
  isRestored: boolean;
  accessToken?: string;
  /** Set while a system admin acts as a tenant user (a short-lived token with no refresh). */
  impersonation?: Impersonation;
}

/**
 * One signed-in console: the access token lives only in this object (never in storage), the
 * refresh token in the HttpOnly cookie the API sets; a timer refreshes before the token expires,
 * and a reload signs back in through the same refresh.
 */
class Session {
  private state: SessionState = { isRestored: false };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private restoring: Promise<void> | undefined;
  /** The API, with this session's access token. */
  readonly api = createTenantryClient({ accessToken: () => this.state.accessToken });

  constructor(private readonly routes: SessionRoutes) {}

  get current(): SessionState {
    return this.state;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(next: SessionState): void {
    this.state = next;
    this.listeners.forEach((listener) => listener());
  }

  private started(session: ConsoleSession): void {
    clearTimeout(this.timer);
    // Refresh a minute before expiry (at least after 10 s).
    this.timer = setTimeout(() => void this.refresh(), Math.max(10, session.expiresIn - 60) * 1000);
    this.set({ isRestored: true, accessToken: session.accessToken });
  }

  /** The password step: signed in, or (for an account with MFA) the challenge for `completeMfa`. */
  async signIn(body: Record<string, string>): Promise<MfaChallenge | undefined> {
    const answer = await unwrap<SignInAnswer>(
      this.api.POST(this.routes.login as '/v1/console/auth/login', { body: body as Schemas['LoginDto'] }) as never,
    );
    if ('mfaRequired' in answer) return { mfaToken: answer.mfaToken };
    this.started(answer);
    return undefined;
  }

  /** The second step: the challenge's token and a code or a recovery code; the cookie is set then. */
  async completeMfa(challenge: MfaChallenge, proof: MfaProof): Promise<void> {
    const body = { mfaToken: challenge.mfaToken, ...proof };
    this.started(await unwrap<ConsoleSession>(this.api.POST(this.routes.mfa as '/v1/console/auth/mfa', { body }) as never));
  }

  /** A session begun another way (an accepted invitation, a single sign-on): the API's answer to it. */
  async startedBy(pending: Promise<{ data?: ConsoleSession; error?: unknown; response: Response }>): Promise<void> {
    this.started(await unwrap(pending));
  }

  /** Silent sign-in from the cookie; answers whether a session exists. */
  restore(): Promise<void> {
    this.restoring ??= this.refresh();
    return this.restoring;
  }

  private async refresh(): Promise<void> {
    if (this.state.impersonation) return;
    const tokenBefore = this.state.accessToken;
    try {
      this.started(await unwrap<ConsoleSession>(this.api.POST(this.routes.refresh as '/v1/console/auth/refresh') as never));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) console.warn('session refresh failed', error);
      // A session that began meanwhile (a sign-in racing the silent refresh of the page load) stays.
      if (!this.state.impersonation && this.state.accessToken === tokenBefore) this.set({ isRestored: true });
    }
  }

  async signOut(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.state.impersonation) await this.api.POST(this.routes.logout as '/v1/console/auth/logout').catch(() => undefined);
    this.set({ isRestored: true });
  }

  impersonate(accessToken: string, impersonation: Impersonation): void {
    clearTimeout(this.timer);
    this.set({ isRestored: true, accessToken, impersonation });
  }
}

export const tenantSession = new Session({
  login: '/v1/console/auth/login',
  mfa: '/v1/console/auth/mfa',
  refresh: '/v1/console/auth/refresh',
  logout: '/v1/console/auth/logout',
});
export const adminSession = new Session({
  login: '/v1/console/admin/auth/login',
  mfa: '/v1/console/admin/auth/mfa',
  refresh: '/v1/console/admin/auth/refresh',
  logout: '/v1/console/admin/auth/logout',
});

export function useSession(session: Session): SessionState {
  return useSyncExternalStore(session.subscribe, () => session.current);
}

export const tenantApi = tenantSession.api;
export const adminApi = adminSession.api;
