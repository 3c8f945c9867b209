import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateMasterKeyEntry } from './master-keys';

/** Where development keeps the master key it generated (git-ignored, like the embedded database). */
export const DEV_MASTER_KEYS_FILE = '.data/master-keys';

/**
 * MASTER_KEYS when set. Without it, outside production (which refuses to start), a key is
 * generated once into .data/master-keys and reused, and the process says so: losing that file
 * loses every tenant secret of the development database.
 */
export function resolveMasterKeys(env: { NODE_ENV: string; MASTER_KEYS?: string }, warn: (message: string) => void): string {
  if (env.MASTER_KEYS) return env.MASTER_KEYS;
  if (env.NODE_ENV === 'production') throw new Error('MASTER_KEYS is required in production');
  if (existsSync(DEV_MASTER_KEYS_FILE)) return readFileSync(DEV_MASTER_KEYS_FILE, 'utf8').trim();
  mkdirSync(dirname(DEV_MASTER_KEYS_FILE), { recursive: true });
  writeFileSync(DEV_MASTER_KEYS_FILE, `${generateMasterKeyEntry('v1')}\n`, { mode: 0o600 });
  chmodSync(DEV_MASTER_KEYS_FILE, 0o600);
  warn(`MASTER_KEYS is not set: generated a development master key into ${DEV_MASTER_KEYS_FILE} (keep it; production requires MASTER_KEYS)`);
  return readFileSync(DEV_MASTER_KEYS_FILE, 'utf8').trim();
}
