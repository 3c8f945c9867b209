import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from './scratch-database';

/**
 * Once per `npm test`: a fresh database migrated as the owner, the app connected as the
 * unprivileged tenantry_app role, and a Redis key prefix of its own.
 */
export default async function globalSetup(): Promise<void> {
  const database = await createScratchDatabase();
  Object.assign(process.env, {
    NODE_ENV: 'test',
    // Worker processes the suites start serve no port unless a suite asks (parallel runs would collide).
    WORKER_PORT: '0',
    TEST_DATABASE_NAME: database.name,
    MIGRATION_DATABASE_URL: database.ownerUrl,
    DATABASE_URL: database.appUrl,
    SYSTEM_DATABASE_URL: database.systemUrl,
    REDIS_KEY_PREFIX: `tenantry-test-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    MASTER_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    // Every test logs in from 127.0.0.1; the throttle's own suite sets real limits.
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    SIGNUP_MAX_PER_IP: '100000',
    // Without SMTP_URL mail goes to .eml files: keep them out of the working tree.
    MAIL_DIR: join(tmpdir(), `tenantry-mail-${randomBytes(4).toString('hex')}`),
    ACCOUNT_MAIL_MAX_PER_IP: '100000',
    // Tests run the monthly-quota evaluation themselves, when their scenario needs it.
    QUOTA_EVALUATION_INTERVAL_MS: '3600000',
  });
}
