import { newAdminResetToken, newOneTimeToken, parseAdminResetToken, parseOneTimeToken } from './one-time-token';

const tenantId = '0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3';

describe('one-time tokens', () => {
  it('carry their tenant and purpose, and are stored as a hash of the whole token', () => {
    const { token, hash } = newOneTimeToken('invitation', tenantId);
    expect(token).toMatch(/^inv_0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3\.[A-Za-z0-9_-]{43}$/);
    expect(parseOneTimeToken('invitation', token)).toEqual({ tenantId, hash });
    expect(hash).not.toContain(token.split('.')[1]);
  });

  it('are refused for another purpose, and when malformed', () => {
    const { token } = newOneTimeToken('password_reset', tenantId);
    expect(parseOneTimeToken('invitation', token)).toBeUndefined();
    expect(parseOneTimeToken('email_verification', token)).toBeUndefined();
    expect(parseOneTimeToken('password_reset', `${token}x`)).toBeUndefined();
    expect(parseOneTimeToken('password_reset', token.replace(tenantId, 'not-a-tenant'))).toBeUndefined();
    expect(parseAdminResetToken(token)).toBeUndefined();
    expect(parseAdminResetToken(newAdminResetToken().token)).toBeDefined();
  });

  it('are random', () => {
    expect(newOneTimeToken('invitation', tenantId).token).not.toBe(newOneTimeToken('invitation', tenantId).token);
  });
});
