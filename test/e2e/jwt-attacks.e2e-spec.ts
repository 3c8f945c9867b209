import { generateKeyPairSync } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { createTenantWithUsers, TestTenantWithUsers } from '../factories';
import { useTestApp } from '../support/test-app';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('forged and invalid JWTs', () => {
  const t = useTestApp();
  let acme: TestTenantWithUsers;
  const jwt = new JwtService();
  const secret = () => process.env.JWT_SECRET!;

  beforeAll(async () => {
    acme = await createTenantWithUsers(t);
  });

  const claims = () => ({ sub: acme.owner.id, tid: acme.id, role: 'owner', typ: 'access' });
  const valid = { issuer: 'tenantry', audience: 'tenantry-api', expiresIn: 300 } as const;
  const call = (token: string) => t.as(`Bearer ${token}`).get('/v1/projects');

  it('accepts a correctly signed token (the control)', async () => {
    const token = jwt.sign(claims(), { ...valid, secret: secret(), algorithm: 'HS256' });
    expect((await call(token)).status).toBe(200);
  });

  it('reads the scheme case-insensitively and the credential as the second word, as before', async () => {
    const token = jwt.sign(claims(), { ...valid, secret: secret(), algorithm: 'HS256' });
    expect((await t.as(`bearer ${token}`).get('/v1/projects')).status).toBe(200);
    expect((await t.as(`BEARER   ${token}`).get('/v1/projects')).status).toBe(200);
  });

  it.each([
    ['no Authorization header', () => t.http().get('/v1/projects')],
    ['a scheme other than Bearer', () => t.as(`Basic ${jwt.sign(claims(), { ...valid, secret: secret(), algorithm: 'HS256' })}`).get('/v1/projects')],
    ['a Bearer with no credential', () => t.as('Bearer').get('/v1/projects')],
    ['a credential that is not a JWT', () => t.as('Bearer not-a-jwt').get('/v1/projects')],
  ])('refuses %s with 401 in the shared error shape', async (_, send) => {
    const response = await send();
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401 });
  });

  it.each([
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), iss: 'tenantry', aud: 'tenantry-api', exp: Math.floor(Date.now() / 1000) + 300 })}.`],
    ['another secret', () => jwt.sign(claims(), { ...valid, secret: 'x'.repeat(48), algorithm: 'HS256' })],
    [
      'RS256 with a key pair of its own (HS/RS confusion)',
      () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return jwt.sign(claims(), { ...valid, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'RS256' });
      },
    ],
    ['HS512 with the right secret (algorithm not pinned)', () => jwt.sign(claims(), { ...valid, secret: secret(), algorithm: 'HS512' })],
    ['expired', () => jwt.sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 10 }, { issuer: 'tenantry', audience: 'tenantry-api', secret: secret(), algorithm: 'HS256' })],
    ['wrong aud', () => jwt.sign(claims(), { ...valid, audience: 'someone-else', secret: secret(), algorithm: 'HS256' })],
    ['wrong iss', () => jwt.sign(claims(), { ...valid, issuer: 'evil', secret: secret(), algorithm: 'HS256' })],
    ['no exp', () => jwt.sign(claims(), { issuer: 'tenantry', audience: 'tenantry-api', secret: secret(), algorithm: 'HS256' })],
    ['a queue-dashboard session token', () => jwt.sign({ sub: acme.owner.id, role: 'system_admin', typ: 'queue_dashboard' }, { ...valid, secret: secret(), algorithm: 'HS256' })],
    ['a refresh-typed token', () => jwt.sign({ ...claims(), typ: 'refresh' }, { ...valid, secret: secret(), algorithm: 'HS256' })],
    ['a tid that names no tenant', () => jwt.sign({ ...claims(), tid: '00000000-0000-4000-8000-000000000000' }, { ...valid, secret: secret(), algorithm: 'HS256' })],
    ['a tid that is not a uuid', () => jwt.sign({ ...claims(), tid: "x' or 1=1" }, { ...valid, secret: secret(), algorithm: 'HS256' })],
    ['an unknown role', () => jwt.sign({ ...claims(), role: 'god' }, { ...valid, secret: secret(), algorithm: 'HS256' })],
    ['a tenant token for a user of another tenant', () => jwt.sign({ ...claims(), sub: '00000000-0000-4000-8000-000000000001' }, { ...valid, secret: secret(), algorithm: 'HS256' })],
    ['a system token that names a tenant', () => jwt.sign({ ...claims(), role: 'system_admin' }, { ...valid, secret: secret(), algorithm: 'HS256' })],
  ])('refuses %s with 401', async (_, forge) => {
    const response = await call(forge());
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401 });
  });
});
