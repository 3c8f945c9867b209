import { randomBytes } from 'node:crypto';
import { dataKeyAssociatedData, DecryptionError, KEY_BYTES, open, seal } from './envelope';

/** A data key as stored: encrypted by the master key named `masterKeyVersion`. */
export interface WrappedDataKey {
  masterKeyVersion: string;
  wrappedKey: string;
}

/**
 * Whatever holds the master keys. The local ring below keeps them in memory from MASTER_KEYS;
 * a KMS (AWS KMS Encrypt/Decrypt, Vault transit) implements the same three members, with the
 * tenant id as encryption context, and is bound to MASTER_KEY_PROVIDER instead.
 */
export interface MasterKeyProvider {
  /** The version new wraps use. */
  readonly currentVersion: string;
  wrap(dataKey: Buffer, tenantId: string): Promise<WrappedDataKey>;
  /** Throws DecryptionError for an unknown version, another tenant's key or tampered bytes. */
  unwrap(key: WrappedDataKey, tenantId: string): Promise<Buffer>;
}

export const MASTER_KEY_PROVIDER = Symbol('MASTER_KEY_PROVIDER');

/**
 * The context a system admin's own secret (its TOTP secret) is wrapped under, in place of a tenant
 * id: system admins have no tenant data key, so the ring wraps their few secrets directly, bound
 * to the admin (no tenant id has this shape, so neither can be taken for the other).
 */
export const adminSecretContext = (adminId: string) => `system-admin-mfa:${adminId}`;

const ENTRY = /^(v[0-9]{1,6}):([A-Za-z0-9+/]{43}=)$/;

/**
 * Parses `v2:<base64>,v1:<base64>`: 32-byte keys, distinct versions, the first one encrypts.
 * Returns the problems instead of throwing so the config validator can list them.
 */
export function parseMasterKeys(value: string): { keys: Map<string, Buffer>; problems: string[] } {
  const keys = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const [index, entry] of value.split(',').map((part) => part.trim()).entries()) {
    const match = ENTRY.exec(entry);
    if (!match) {
      problems.push(`MASTER_KEYS: entry ${index + 1} must be v<number>:<base64 of 32 bytes>`);
      continue;
    }
    const key = Buffer.from(match[2]!, 'base64');
    if (key.length !== KEY_BYTES) problems.push(`MASTER_KEYS: key ${match[1]} is not 32 bytes`);
    else if (keys.has(match[1]!)) problems.push(`MASTER_KEYS: version ${match[1]} appears twice`);
    else keys.set(match[1]!, key);
  }
  if (keys.size === 0 && problems.length === 0) problems.push('MASTER_KEYS: no key given');
  return { keys, problems };
}

/** A fresh ring entry, e.g. for `.env` or a secret manager. */
export const generateMasterKeyEntry = (version = 'v1') => `${version}:${randomBytes(KEY_BYTES).toString('base64')}`;

/** The master keys of MASTER_KEYS, in process memory: the first encrypts, every one decrypts. */
export class LocalMasterKeyRing implements MasterKeyProvider {
  readonly currentVersion: string;
  private readonly keys: Map<string, Buffer>;

  constructor(masterKeys: string) {
    const { keys, problems } = parseMasterKeys(masterKeys);
    if (problems.length > 0) throw new Error(problems.join('; '));
    this.keys = keys;
    this.currentVersion = [...keys.keys()][0]!;
  }

  get versions(): string[] {
    return [...this.keys.keys()];
  }

  async wrap(dataKey: Buffer, tenantId: string): Promise<WrappedDataKey> {
    return {
      masterKeyVersion: this.currentVersion,
      wrappedKey: seal(this.keys.get(this.currentVersion)!, dataKey, dataKeyAssociatedData(tenantId)),
    };
  }

  async unwrap(key: WrappedDataKey, tenantId: string): Promise<Buffer> {
    const master = this.keys.get(key.masterKeyVersion);
    if (!master) throw new DecryptionError(`master key ${key.masterKeyVersion} is not in MASTER_KEYS`);
    return open(master, key.wrappedKey, dataKeyAssociatedData(tenantId));
  }
}
