import { createSecretKey } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
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

/**
 * Bearer JWTs: the algorithm is pinned (no `none`, no RS/HS confusion), and iss, aud and exp are
 * all checked before the claims are turned into a principal.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every verification, which was the largest single cost of a request.
      secretOrKey: createSecretKey(Buffer.from(config.get('JWT_SECRET'))) as unknown as string,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: config.get('JWT_ISSUER'),
      audience: config.get('JWT_AUDIENCE'),
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessTokenClaims & { exp?: unknown }): Principal {
    return principalFromAccessClaims(claims);
  }
}
