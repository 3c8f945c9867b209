/**
 * Child process of the stack benchmark, scenario C: the same per-request tenant transaction as
 * the API (BEGIN, set_config, select, COMMIT) on postgres.js with a bare node:http server, no
 * framework, no authentication. The tenant comes from an `x-tenant-id` header.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.DB_POOL_SIZE ?? 10), prepare: true, onnotice: () => undefined });
const PROJECT = /^\/v1\/projects\/([0-9a-f-]{36})$/;
const LIST = /^\/v1\/projects\?limit=(\d+)$/;

const server = createServer((request, response) => {
  const tenantId = request.headers['x-tenant-id'];
  const byId = PROJECT.exec(request.url ?? '');
  const list = byId ? undefined : LIST.exec(request.url ?? '');
  if (typeof tenantId !== 'string' || (!byId && !list)) {
    response.writeHead(404).end();
    return;
  }
  sql
    .begin(async (tx) => {
      await tx`select set_config('app.current_tenant_id', ${tenantId}, true)`;
      return byId
        ? tx`select * from projects where tenant_id = ${tenantId} and id = ${byId[1]!}`
        : tx`select * from projects where tenant_id = ${tenantId} order by created_at desc, id desc limit ${Number(list![1]) + 1}`;
    })
    .then(
      (rows) => {
        if (byId && rows.length === 0) return void response.writeHead(404).end();
        const body = JSON.stringify(byId ? rows[0] : { data: rows.slice(0, Number(list![1])), nextCursor: null });
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
      },
      () => void response.writeHead(500).end(),
    );
});

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message) => {
  if (message === 'stop') server.close(() => void sql.end({ timeout: 1 }).then(() => process.exit(0)));
});
