import { randomBytes } from 'node:crypto';
import { DecryptionError, open, seal, secretAssociatedData } from './envelope';
import { LocalMasterKeyRing, parseMasterKeys } from './master-keys';

const entry = (version: string, fill: number) => `${version}:${Buffer.alloc(32, fill).toString('base64')}`;
const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';

describe('envelope encryption', () => {
  const key = randomBytes(32);

  it('opens what it sealed, with a fresh nonce each time', () => {
    const aad = secretAssociatedData(TENANT_A, 'stripe');
    const first = seal(key, Buffer.from('sk_live_value'), aad);
    const second = seal(key, Buffer.from('sk_live_value'), aad);
    expect(first).not.toBe(second);
    expect(open(key, first, aad).toString()).toBe('sk_live_value');
  });

  it('refuses another tenant, another name, another key and a flipped bit', () => {
    const sealed = seal(key, Buffer.from('value'), secretAssociatedData(TENANT_A, 'stripe'));
    expect(() => open(key, sealed, secretAssociatedData(TENANT_B, 'stripe'))).toThrow(DecryptionError);
    expect(() => open(key, sealed, secretAssociatedData(TENANT_A, 'github'))).toThrow(DecryptionError);
    expect(() => open(randomBytes(32), sealed, secretAssociatedData(TENANT_A, 'stripe'))).toThrow(DecryptionError);
    const bytes = Buffer.from(sealed, 'base64');
    bytes[14]! ^= 1;
    expect(() => open(key, bytes.toString('base64'), secretAssociatedData(TENANT_A, 'stripe'))).toThrow(DecryptionError);
    expect(() => open(key, 'AAAA', secretAssociatedData(TENANT_A, 'stripe'))).toThrow(DecryptionError);
  });
});

describe('the master key ring', () => {
  it('wraps with the first key and unwraps with any key of the ring', async () => {
    const old = new LocalMasterKeyRing(entry('v1', 1));
    const dataKey = randomBytes(32);
    const wrappedByV1 = await old.wrap(dataKey, TENANT_A);
    expect(wrappedByV1.masterKeyVersion).toBe('v1');
    const ring = new LocalMasterKeyRing(`${entry('v2', 2)},${entry('v1', 1)}`);
    expect(ring.currentVersion).toBe('v2');
    expect(await ring.unwrap(wrappedByV1, TENANT_A)).toEqual(dataKey);
    expect((await ring.wrap(dataKey, TENANT_A)).masterKeyVersion).toBe('v2');
  });

  it("refuses a wrapped key of another tenant or of a master key it no longer has", async () => {
    const ring = new LocalMasterKeyRing(entry('v1', 1));
    const wrapped = await ring.wrap(randomBytes(32), TENANT_A);
    await expect(ring.unwrap(wrapped, TENANT_B)).rejects.toThrow(DecryptionError);
    await expect(new LocalMasterKeyRing(entry('v2', 2)).unwrap(wrapped, TENANT_A)).rejects.toThrow(/master key v1 is not in MASTER_KEYS/);
  });

  it('names every problem of a malformed ring', () => {
    expect(parseMasterKeys(`${entry('v1', 1)},${entry('v1', 2)}`).problems).toEqual(['MASTER_KEYS: version v1 appears twice']);
    expect(parseMasterKeys('v1:abc').problems).toEqual(['MASTER_KEYS: entry 1 must be v<number>:<base64 of 32 bytes>']);
    expect(() => new LocalMasterKeyRing('')).toThrow(/MASTER_KEYS/);
  });
});
