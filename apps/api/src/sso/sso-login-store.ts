import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { sha256 } from '@tenantry/auth';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';

/** What a started sign-in remembers until the IdP sends the browser back. */
export interface PendingSignIn {
  tenantId: string;
  connectionId: string;
  redirect: string;
  /** OIDC: PKCE verifier and nonce. SAML: the AuthnRequest id (InResponseTo). */
  codeVerifier?: string;
  nonce?: string;
  requestId?: string;
}

export interface SignedInUser {
  tenantId: string;
  userId: string;
  connectionId: string;
}

const STATE_TTL_SECONDS = 600;
export const CODE_TTL_SECONDS = 60;

/**
 * Short-lived, single-use values of a sign-in, in Redis under hashed keys: the `state` of a
 * started sign-in (10 minutes) and the one-time `code` the browser brings back (60 s). Both are
 * taken with GETDEL, so a replayed callback or a second exchange finds nothing.
 */
@Injectable()
export class SsoLoginStore {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.get('REDIS_KEY_PREFIX')}:sso`;
  }

  async saveState(state: string, pending: PendingSignIn): Promise<void> {
    await this.redis.set(`${this.prefix}:state:${sha256(state)}`, JSON.stringify(pending), 'EX', STATE_TTL_SECONDS);
  }

  async takeState(state: string): Promise<PendingSignIn | undefined> {
    const value = await this.redis.getdel(`${this.prefix}:state:${sha256(state)}`);
    return value ? (JSON.parse(value) as PendingSignIn) : undefined;
  }

  async issueCode(user: SignedInUser): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.redis.set(this.codeKey(code), JSON.stringify(user), 'EX', CODE_TTL_SECONDS);
    return code;
  }

  async takeCode(code: string): Promise<SignedInUser | undefined> {
    const value = await this.redis.getdel(this.codeKey(code));
    return value ? (JSON.parse(value) as SignedInUser) : undefined;
  }

  /** Records an id (a SAML assertion's) as used; false when it was used before within `ttlSeconds`. */
  async markUsedOnce(kind: string, id: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:used:${kind}:${sha256(id)}`, '1', 'EX', Math.max(1, ttlSeconds), 'NX')) === 'OK';
  }

  codeKey(code: string): string {
    return `${this.prefix}:code:${sha256(code)}`;
  }
}
