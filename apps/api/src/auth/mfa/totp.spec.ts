import { authenticator } from 'otplib';
import { acceptedTimeStep, newRecoveryCodes, newTotpSecret, recoveryCodeHash } from './totp';

describe('TOTP codes', () => {
  const secret = newTotpSecret();
  const codeAt = (offsetSeconds: number) => authenticator.clone({ epoch: Date.now() + offsetSeconds * 1000 }).generate(secret);

  it('accepts the current code and one step of drift either way, and names its time step', () => {
    const step = Math.floor(Date.now() / 30_000);
    expect(acceptedTimeStep(secret, codeAt(0))).toBeGreaterThanOrEqual(step);
    expect(acceptedTimeStep(secret, codeAt(30))).toBeGreaterThan(step);
    expect(acceptedTimeStep(secret, codeAt(-30))).toBeDefined();
    expect(acceptedTimeStep(secret, codeAt(300))).toBeUndefined();
    expect(acceptedTimeStep(newTotpSecret(), codeAt(0))).toBeUndefined();
  });

  it('refuses a code whose time step was already used, and anything but 6 digits', () => {
    const code = codeAt(0);
    const step = acceptedTimeStep(secret, code)!;
    expect(acceptedTimeStep(secret, code, step)).toBeUndefined();
    expect(acceptedTimeStep(secret, code, step - 1)).toBe(step);
    expect(acceptedTimeStep(secret, ' 123456')).toBeUndefined();
    expect(acceptedTimeStep(secret, '12345')).toBeUndefined();
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes of four groups, hashed whatever the case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const [code] = codes as [string];
    expect(recoveryCodeHash(code.toUpperCase().replace(/-/g, ' '))).toBe(recoveryCodeHash(code));
    expect(recoveryCodeHash(code)).not.toContain(code.replace(/-/g, ''));
  });
});
