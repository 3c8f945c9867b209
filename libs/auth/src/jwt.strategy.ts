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

/**
 * Bearer access JWTs, verified in the request's own call (no per-request strategy object): the
 * algorithm is pinned (no `none`, no RS/HS confusion), and iss, aud and exp are all checked before
 * the claims are turned into a principal. Any failure is a plain 401.
 */
@Injectable()
export class AccessTokenVerifier {
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

  /** The principal of a valid access token; UnauthorizedException for anything else. */
  principalOf(token: string | undefined): Principal {
    if (!token) throw new UnauthorizedException();
    let claims: unknown;
    try {
      claims = verify(token, this.key, this.options);
    } catch {
      throw new UnauthorizedException();
    }
    if (typeof claims !== 'object' || claims === null) throw new UnauthorizedException();
    return principalFromAccessClaims(claims as AccessTokenClaims & { exp?: unknown });
  }
}
