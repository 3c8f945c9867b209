import { randomUUID } from 'node:crypto';
import { UnauthorizedException } from '@nestjs/common';
import { sign, SignOptions } from 'jsonwebtoken';
import type { AppConfig } from '@tenantry/config';
import { AccessTokenVerifier, VERIFIED_TOKENS_KEPT } from './jwt.strategy';

const SECRET = 'a-test-secret-of-enough-length-for-hs256';
const config = { get: (key: string) => ({ JWT_SECRET: SECRET, JWT_ISSUER: 'tenantry', JWT_AUDIENCE: 'tenantry-api' })[key] } as unknown as AppConfig;
const START = Date.UTC(2026, 11, 3, 12, 0, 0);

describe('AccessTokenVerifier', () => {
  let verifier: AccessTokenVerifier;
  const tenantId = randomUUID();
  const userId = randomUUID();
  const token = (options: SignOptions = {}, claims: Record<string, unknown> = {}, secret = SECRET) =>
    sign({ sub: userId, tid: tenantId, role: 'admin', typ: 'access', ...claims }, secret, {
      algorithm: 'HS256',
      issuer: 'tenantry',
      audience: 'tenantry-api',
      expiresIn: 60,
      ...options,
    });
  const refused = (value: string) => expect(() => verifier.principalOf(value)).toThrow(UnauthorizedException);

  beforeEach(() => {
    jest.useFakeTimers({ now: START });
    verifier = new AccessTokenVerifier(config);
  });
  afterEach(() => jest.useRealTimers());

  it('answers a token verified before with the same principal, a copy each time', () => {
    const valid = token();
    const first = verifier.principalOf(valid);
    const second = verifier.principalOf(valid);
    expect(first).toEqual({ kind: 'tenant', tenantId, subjectId: userId, actorType: 'user', role: 'admin' });
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    (second as { role: string }).role = 'owner';
    expect(verifier.principalOf(valid)).toMatchObject({ role: 'admin' });
  });

  it('refuses a remembered token once it expires, to the second', () => {
    const valid = token({ expiresIn: 60 });
    verifier.principalOf(valid);
    jest.setSystemTime(START + 59_999);
    expect(verifier.principalOf(valid)).toMatchObject({ subjectId: userId });
    jest.setSystemTime(START + 60_000);
    refused(valid);
    refused(valid);
  });

  it('refuses a token not yet valid, and accepts it from its nbf on', () => {
    const early = token({ notBefore: 10 });
    refused(early);
    jest.setSystemTime(START + 10_000);
    expect(verifier.principalOf(early)).toMatchObject({ subjectId: userId });
  });

  it('never takes a token that differs from a remembered one by a byte, nor remembers a failure', () => {
    const valid = token();
    verifier.principalOf(valid);
    const [header, payload, signature] = valid.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'owner' })).toString('base64url');
    refused(`${header}.${forgedPayload}.${signature}`);
    refused(`${valid.slice(0, -2)}${valid.endsWith('AA') ? 'BB' : 'AA'}`);
    refused(token({}, {}, 'another-secret-of-enough-length-for-hs256'));
    refused(token({ issuer: 'someone-else' }));
    refused(token({ audience: 'another-api' }));
    refused(token({}, { typ: 'refresh' }));
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    refused(unsigned);
    refused(unsigned); // still refused: failures are not kept
  });

  it('keeps at most VERIFIED_TOKENS_KEPT tokens, the oldest forgotten first, and still verifies those', () => {
    const first = token({ jwtid: 'first' });
    verifier.principalOf(first);
    for (let index = 0; index < VERIFIED_TOKENS_KEPT; index++) verifier.principalOf(token({ jwtid: String(index) }));
    const kept = (verifier as unknown as { verified: Map<string, unknown> }).verified;
    expect(kept.size).toBe(VERIFIED_TOKENS_KEPT);
    expect(kept.has(first)).toBe(false);
    expect(verifier.principalOf(first)).toMatchObject({ subjectId: userId });
  });
});
