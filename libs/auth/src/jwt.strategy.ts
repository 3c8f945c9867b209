import { createSecretKey, KeyObject } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { verify, VerifyOptions } from 'jsonwebtoken';
import { AppConfig } from '@tenantry/config';
import { TENANT_ROLES, TenantRole } from '@tenantry/db';
import { Principal, UUID_PATTERN } from '@tenantry/tenancy';
import { ACCESS_TOKEN_ALGORITHM, AccessTokenClaims } from './token-claims';

const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_PATTERN.test(value);

/**
 * The principal of a verified access token's claims; throws 401 for anything else. Shared by the
 * JWT strategy and the queue dashboard, so both accept exactly the same tokens.
 */
export function principalFromAccessClaims(claims: AccessTokenClaims & { exp?: unknown }): Principal {
  // jsonwebtoken checks exp only when present: a token without one would never expire.
  if (typeof claims.exp !== 'number') throw new UnauthorizedException();
  if (claims.typ !== 'access' || !isUuid(claims.sub)) throw new UnauthorizedException();
  if (claims.sid !== undefined && !isUuid(claims.sid)) throw new UnauthorizedException();
  const session = claims.sid ? { sessionId: claims.sid } : {};
  if (claims.role === 'system_admin') {
    if (claims.tid !== undefined) throw new UnauthorizedException();
    return { kind: 'system_admin', adminId: claims.sub, ...session };
  }
  if (!isUuid(claims.tid) || !TENANT_ROLES.includes(claims.role as TenantRole)) throw new UnauthorizedException();
  const impersonatorId = claims.act?.sub;
  if (impersonatorId !== undefined && !isUuid(impersonatorId)) throw new UnauthorizedException();
  return {
    kind: 'tenant',
    tenantId: claims.tid,
    subjectId: claims.sub,
    actorType: 'user',
    role: claims.role,
    ...(impersonatorId ? { impersonatorId } : {}),
    ...session,
  };
}

/** `<scheme> <credential>`, as the Authorization header is read everywhere (first two words). */
const AUTHORIZATION = /(\S+)\s+(\S+)/;

/** The bearer credential of an Authorization header, or undefined. */
export function bearerCredential(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = AUTHORIZATION.exec(header);
  return match && match[1].toLowerCase() === 'bearer' ? match[2] : undefined;
}

/** Tokens whose verification a process remembers at most (the oldest forgotten first). */
export const VERIFIED_TOKENS_KEPT = 10_000;

interface VerifiedToken {
  principal: Principal;
  /** Epoch ms from which the token is expired (its `exp`), and before which it is not yet valid (`nbf`). */
  expiresAt: number;
  notBefore: number;
}

/**
 * Bearer access JWTs, verified in the request's own call (no per-request strategy object): the
 * algorithm is pinned (no `none`, no RS/HS confusion), and iss, aud and exp are all checked before
 * the claims are turned into a principal. Any failure is a plain 401. A token that verified is
 * remembered by its exact text, with its principal and validity window, so that the same client's
 * next requests skip the HMAC and the parsing: the same bytes verify the same way under the same
 * key; `exp` and `nbf` are checked again on every use; a failure is never remembered. Revocation
 * (a session signed out, a role changed) is the tenant and user check's, unaffected.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly verified = new Map<string, VerifiedToken>();
  /**
   * A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
   * public key on every verification, which was the largest single cost of a request.
   */
  private readonly key: KeyObject;
  private readonly options: VerifyOptions & { complete?: false };

  constructor(config: AppConfig) {
    this.key = createSecretKey(Buffer.from(config.get('JWT_SECRET')));
    this.options = {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: config.get('JWT_ISSUER'),
      audience: config.get('JWT_AUDIENCE'),
      ignoreExpiration: false,
    };
  }

  /** The principal of a valid access token (a copy of its own); UnauthorizedException for anything else. */
  principalOf(token: string | undefined): Principal {
    if (!token) throw new UnauthorizedException();
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && now < known.expiresAt && now >= known.notBefore) return { ...known.principal };
    if (known) this.verified.delete(token);
    let claims: unknown;
    try {
      claims = verify(token, this.key, this.options);
    } catch {
      throw new UnauthorizedException();
    }
    if (typeof claims !== 'object' || claims === null) throw new UnauthorizedException();
    const typed = claims as AccessTokenClaims & { exp?: unknown; nbf?: unknown };
    const principal = principalFromAccessClaims(typed);
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, expiresAt: (typed.exp as number) * 1000, notBefore: typeof typed.nbf === 'number' ? typed.nbf * 1000 : 0 });
    return { ...principal };
  }
}
