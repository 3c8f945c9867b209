import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { runMigrations } from '../../libs/db/src/migrations';
import { asRole, testServerUrl, withDatabase } from './database-urls';

export interface ScratchDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  systemUrl: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database with a random name; the roles are created by the migrations. */
export async function createScratchDatabase(prefix = 'tenantry_test'): Promise<ScratchDatabase> {
  const server = testServerUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const ownerUrl = withDatabase(server, name);
  await runMigrations(ownerUrl);
  return {
    name,
    ownerUrl,
    appUrl: asRole(ownerUrl, 'tenantry_app'),
    systemUrl: asRole(ownerUrl, 'tenantry_system'),
    drop: () => dropDatabase(name),
  };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = postgres(testServerUrl(), { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
