import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import { sha256 } from '@tenantry/auth';

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, what every authenticator app speaks) through
 * otplib, and the recovery codes that stand in for a lost authenticator.
 */

/** A fresh 160-bit secret, base32 as authenticator apps take it. */
export const newTotpSecret = (): string => authenticator.generateSecret(20);

export const otpauthUrl = (issuer: string, account: string, secret: string): string => authenticator.keyuri(account, issuer, secret);

const STEP_SECONDS = 30;

/**
 * The time step a code belongs to when it is valid now (one step of clock drift either way) and
 * later than `afterTimeStep`, the last one accepted: a code, once used, never works again.
 */
export function acceptedTimeStep(secret: string, code: string, afterTimeStep?: number | null): number | undefined {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const now = Date.now();
  const delta = authenticator.clone({ window: 1, epoch: now }).checkDelta(code, secret);
  if (delta === null) return undefined;
  const timeStep = Math.floor(now / 1000 / STEP_SECONDS) + delta;
  return afterTimeStep != null && timeStep <= afterTimeStep ? undefined : timeStep;
}

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** `xxxx-xxxx-xxxx-xxxx`: 16 characters of a 31-letter alphabet, about 79 random bits. */
function newRecoveryCode(): string {
  const characters = [...randomBytes(32)].filter((byte) => byte < 248).slice(0, 16).map((byte) => RECOVERY_ALPHABET[byte % 31]);
  if (characters.length < 16) return newRecoveryCode();
  return [0, 4, 8, 12].map((start) => characters.slice(start, start + 4).join('')).join('-');
}

export const newRecoveryCodes = (): string[] => Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);

/** What is stored: the hash of the code as typed, without case, spaces or dashes. */
export const recoveryCodeHash = (code: string): string => sha256(code.toLowerCase().replace(/[\s-]/g, ''));
