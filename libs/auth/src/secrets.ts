import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 43 characters, 256 bits. */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

/** Tokens and keys are high-entropy secrets: a fast hash is enough and lets us look them up. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
