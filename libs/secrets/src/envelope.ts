import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** A ciphertext that does not open: wrong key, wrong associated data, or tampered bytes. */
export class DecryptionError extends Error {
  constructor(message = 'the ciphertext does not decrypt with this key and associated data') {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** AES-256-GCM with a fresh random nonce: base64 of nonce | ciphertext | tag. */
export function seal(key: Buffer, plaintext: Buffer, associatedData: string): string {
  if (key.length !== KEY_BYTES) throw new Error('seal: the key must be 32 bytes');
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

/** The inverse of seal; throws DecryptionError unless key, associated data and bytes all match. */
export function open(key: Buffer, sealed: string, associatedData: string): Buffer {
  const bytes = Buffer.from(sealed, 'base64');
  if (key.length !== KEY_BYTES || bytes.length < NONCE_BYTES + TAG_BYTES) throw new DecryptionError();
  const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}

/** What a secret's ciphertext is bound to: its tenant and its name (tenant ids are fixed-length uuids). */
export const secretAssociatedData = (tenantId: string, name: string) => `tenant-secret:${tenantId}:${name}`;

/** What a wrapped data key is bound to: its tenant, so a key row moved to another tenant does not unwrap. */
export const dataKeyAssociatedData = (tenantId: string) => `tenant-data-key:${tenantId}`;
