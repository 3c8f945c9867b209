/**
 * Child process of the stack benchmark, scenario F (the floor of the work): the fixed stack doing
 * what a tenant GET of the API must do, with none of the product's own code. Nest 11 on Express
 * with the API's global ValidationPipe, one global guard that verifies the bearer JWT as the API
 * does (jsonwebtoken: HS256, issuer, audience, expiry; a KeyObject, a verified token remembered)
 * and spends a token of the tenant's rate limit (one EVALSHA round trip on ioredis of the API's
 * script's shape), and one controller
 * (`GET /v1/projects/:id` with ParseUUIDPipe, `GET /v1/projects?limit=` with a class-validator
 * query) that runs the tenant transaction on postgres.js as the API sends it: BEGIN,
 * set_config and the select in one write, COMMIT in the next. The rows go out as postgres.js
 * returns them. No logging, metrics, metering, request context, security headers, access or
 * feature checks: what A pays above F is the product; what F pays above C (the same transaction
 * on bare node:http, no auth, no rate limit) is what Nest, Express, JWT verification and the
 * rate limit's round trip cost on this machine.
 */
import 'reflect-metadata';
import { createSecretKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { CanActivate, Controller, ExecutionContext, Get, Injectable, Module, NotFoundException, Param, ParseUUIDPipe, Query, Req, UnauthorizedException, ValidationPipe } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import Redis from 'ioredis';
import { verify } from 'jsonwebtoken';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.DB_POOL_SIZE ?? 10), prepare: true, onnotice: () => undefined });
const redis = new Redis(process.env.REDIS_URL!);
const PREFIX = process.env.REDIS_KEY_PREFIX!;
const JWT = { secret: process.env.JWT_SECRET!, issuer: process.env.JWT_ISSUER!, audience: process.env.JWT_AUDIENCE! };

type Authed = { headers: { authorization?: string }; tenantId?: string };

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/**
 * One round trip of the rate limit's shape (the API's token bucket: three keys of the tenant, a
 * six-value answer, by EVALSHA once ioredis has loaded it); what Redis does inside costs the server
 * nothing.
 */
const BUCKET = `
local used = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 60000)
return {1, used, 0, 0, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3]) or ARGV[1]}
`;
redis.defineCommand('tokenBucket', { numberOfKeys: 3, lua: BUCKET });

/**
 * The tenant of a valid access token, verified as the API verifies one: the key a KeyObject made
 * once, and a token that verified remembered by its text until it expires (a failure never is).
 */
const KEY = createSecretKey(Buffer.from(JWT.secret));
const verified = new Map<string, { tenantId: string; expiresAt: number }>();
function tenantOf(token: string): string {
  const known = verified.get(token);
  if (known && Date.now() < known.expiresAt) return known.tenantId;
  let claims: { tid?: unknown; exp?: unknown };
  try {
    claims = verify(token, KEY, { algorithms: ['HS256'], issuer: JWT.issuer, audience: JWT.audience }) as { tid?: unknown; exp?: unknown };
  } catch {
    throw new UnauthorizedException();
  }
  if (typeof claims.tid !== 'string' || typeof claims.exp !== 'number') throw new UnauthorizedException();
  if (verified.size >= 10_000) verified.delete(verified.keys().next().value!);
  verified.set(token, { tenantId: claims.tid, expiresAt: claims.exp * 1000 });
  return claims.tid;
}

@Injectable()
class TenantGuard implements CanActivate {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Authed>();
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw new UnauthorizedException();
    const tenantId = tenantOf(header.slice(7));
    const bucket = redis as Redis & { tokenBucket(...args: string[]): Promise<unknown[]> };
    const [allowed] = await bucket.tokenBucket(`${PREFIX}:lean:{${tenantId}}:rate`, `${PREFIX}:lean:{${tenantId}}:quota`, `${PREFIX}:lean:{${tenantId}}:access`, 'lean');
    request.tenantId = tenantId;
    return allowed === 1;
  }
}

/** BEGIN, set_config and the select leave in one write; COMMIT in the next. */
async function inTenantTransaction(tenantId: string, select: (tx: postgres.ReservedSql) => postgres.PendingQuery<postgres.Row[]>): Promise<postgres.Row[]> {
  const reserved = await sql.reserve();
  try {
    const [, , rows] = await Promise.all([
      reserved.unsafe('begin').simple().execute(),
      reserved`select set_config('app.current_tenant_id', ${tenantId}, true)`.execute(),
      select(reserved).execute(),
    ]);
    await reserved`commit`;
    return rows;
  } catch (error) {
    await reserved`rollback`.catch(() => undefined);
    throw error;
  } finally {
    reserved.release();
  }
}

@Controller('v1/projects')
class ProjectsController {
  @Get()
  async list(@Query() query: PageQuery, @Req() request: Authed) {
    const limit = query.limit ?? 20;
    const tenantId = request.tenantId!;
    const rows = await inTenantTransaction(tenantId, (tx) => tx`select * from projects where tenant_id = ${tenantId} order by created_at desc, id desc limit ${limit + 1}`);
    return { data: rows.slice(0, limit), nextCursor: rows.length > limit ? String(rows[limit - 1]!.id) : null };
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string, @Req() request: Authed) {
    const tenantId = request.tenantId!;
    const [row] = await inTenantTransaction(tenantId, (tx) => tx`select * from projects where tenant_id = ${tenantId} and id = ${id}`);
    if (!row) throw new NotFoundException();
    return row;
  }
}

@Module({ controllers: [ProjectsController], providers: [{ provide: APP_GUARD, useClass: TenantGuard }] })
class LeanModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(LeanModule, { logger: false, bodyParser: false });
  // As the API: no ETag (Express would hash every body), no X-Powered-By.
  app.set('etag', false);
  app.disable('x-powered-by');
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('message', (message) => {
    if (message === 'stop') void app.close().then(() => Promise.all([sql.end({ timeout: 1 }), redis.quit()])).then(() => process.exit(0));
  });
  process.send!({ port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
