import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** The JWT secret used when none is configured; accepted everywhere except production. */
export const DEV_JWT_SECRET = 'tenantry-dev-secret-change-me-0123456789abcdef';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === true || value === 'true' ? true : value === false || value === 'false' ? false : value;

const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;
const REDIS_URL = /^rediss?:\/\/.+/;

/**
 * Every environment variable the processes read, with its default. Validated once at boot;
 * code reads the typed values through AppConfig, never process.env.
 */
export class Environment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** HTTP port of the worker's /health/live, /health/ready and /metrics; 0 serves none. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_PORT = 3001;

  /** The unprivileged application role (NOSUPERUSER NOBYPASSRLS, owns nothing). */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** The BYPASSRLS role, used only by the admin module and cross-tenant worker sweeps. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'SYSTEM_DATABASE_URL must be a postgres:// URL' })
  SYSTEM_DATABASE_URL?: string;

  /** The schema owner that runs migrations (`db:migrate`); required in production. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'MIGRATION_DATABASE_URL must be a postgres:// URL' })
  MIGRATION_DATABASE_URL?: string;

  /** When set, `db:migrate` gives the tenantry_app role this password (the one in DATABASE_URL). */
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'APP_DB_PASSWORD must be at least 12 characters' })
  APP_DB_PASSWORD?: string;

  /** When set, `db:migrate` gives the tenantry_system role this password (the one in SYSTEM_DATABASE_URL). */
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'SYSTEM_DB_PASSWORD must be at least 12 characters' })
  SYSTEM_DB_PASSWORD?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  SYSTEM_DB_POOL_SIZE = 3;

  @Matches(REDIS_URL, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key and BullMQ queue of this deployment. */
  @Matches(/^[A-Za-z0-9:_.-]{1,64}$/, {
    message: 'REDIS_KEY_PREFIX must be 1-64 characters of letters, digits, ":", "_", "." or "-"',
  })
  REDIS_KEY_PREFIX = 'tenantry';

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET = DEV_JWT_SECRET;

  /**
   * The master key ring of tenant secrets: `v2:<base64 of 32 bytes>,v1:<...>`; the first wraps new
   * data keys, every one unwraps. Unset outside production: a development key in .data/master-keys.
   */
  @IsOptional()
  @Matches(/^v[0-9]{1,6}:[A-Za-z0-9+/]{43}=(,v[0-9]{1,6}:[A-Za-z0-9+/]{43}=)*$/, {
    message: 'MASTER_KEYS must be v<number>:<base64 of 32 bytes>, comma-separated, newest first',
  })
  MASTER_KEYS?: string;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'tenantry';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'tenantry-api';

  /** Access token lifetime in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  ACCESS_TOKEN_TTL = 900;

  /** Refresh token lifetime in seconds (30 days). */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(31536000)
  REFRESH_TOKEN_TTL = 2592000;

  /** Failed logins allowed per (tenant, email) within LOGIN_FAILURE_WINDOW before 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  /** Failed logins allowed per client IP within LOGIN_FAILURE_WINDOW before 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_IP = 30;

  /** Seconds a failed login counts against its account and IP. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_FAILURE_WINDOW = 900;

  /** System admins without MFA get 403 on every admin route but their own account and enrolment. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'SYSTEM_ADMIN_REQUIRE_MFA must be true or false' })
  SYSTEM_ADMIN_REQUIRE_MFA = false;

  /** Where tenant exports (NDJSON) are written by the worker and read by the API. */
  @IsString()
  EXPORT_DIR = '.data/exports';

  /** Lifetime of an impersonation token, seconds (at most 15 minutes). */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(900)
  IMPERSONATION_TTL = 900;

  /** Rows deleted per statement when a deleted tenant is purged. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  PURGE_BATCH_SIZE = 1000;

  /** How long per-tenant rate limiting lets requests through while Redis is unreachable. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  RATE_LIMIT_FAIL_OPEN_SECONDS = 60;

  /** Comma-separated origins allowed by CORS; empty (the default) turns CORS off. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** Largest accepted request body, e.g. 100kb or 1mb. */
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  /** Express `trust proxy`: false, true, a hop count, or a list such as loopback,10.0.0.0/8. */
  @IsString()
  TRUST_PROXY = 'false';

  /** Log level; unset means info, or silent under NODE_ENV=test. */
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  /**
   * After SIGTERM, how long the API keeps accepting (readiness already 503) so connections a load
   * balancer or the kernel queued before it noticed are served, not reset.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  SHUTDOWN_GRACE_MS = 1000;

  /** How long a SIGTERM waits for in-flight requests before closing anyway. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  /** How long a client may take to send a request's headers (Node's default is 60 s). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  HTTP_HEADERS_TIMEOUT_MS = 10000;

  /**
   * How long a whole request (headers and body) may take to arrive, and how long a socket may stay
   * silent in the middle of one (Node's default is 300 s, which lets trickled bodies hold sockets).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  HTTP_REQUEST_TIMEOUT_MS = 30000;

  /** How long an idle keep-alive connection stays open; a proxy in front must close its own sooner. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5000;

  /** Open connections per API process; beyond, a new connection is closed at once (no file descriptor famine). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  HTTP_MAX_CONNECTIONS = 4096;

  /** Bearer token a Prometheus scrape of /metrics must present; unset turns /metrics off (404). */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** Where this API is reached from outside: the base of SSO callback and start URLs registered at IdPs. */
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'PUBLIC_URL must be an http(s) URL without query' })
  PUBLIC_URL = 'http://localhost:3000';

  /** The web app a finished sign-in returns to (with a one-time code); its origin is always an allowed redirect. */
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'APP_URL must be an http(s) URL without query' })
  APP_URL = 'http://localhost:3000';

  /**
   * Outgoing mail: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`.
   * Unset outside production: every message is written as an .eml file to MAIL_DIR instead.
   */
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The From of every message, an address or `Name <address>`. */
  @IsString()
  @MinLength(3)
  MAIL_FROM = 'tenantry <no-reply@localhost>';

  /** Where messages go as .eml files when SMTP_URL is unset (development and tests). */
  @IsString()
  MAIL_DIR = '.data/mail';

  /** Production without SMTP_URL refuses to start unless this says mail is knowingly off (messages are then dropped, logged). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'MAIL_DISABLED must be true or false' })
  MAIL_DISABLED = false;

  /** Connection, greeting and socket timeout of one SMTP delivery, milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(120000)
  SMTP_TIMEOUT_MS = 15000;

  /** Attempts to deliver one message before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  MAIL_MAX_ATTEMPTS = 8;

  /** First retry delay of a delivery, milliseconds; each further retry waits twice as long. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3600000)
  MAIL_RETRY_DELAY_MS = 5000;

  /** Whether anyone may create a tenant with POST /v1/signup. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'SIGNUP_ENABLED must be true or false' })
  SIGNUP_ENABLED = true;

  /** The plan of tenants made by signup. */
  @IsString()
  @MinLength(1)
  SIGNUP_PLAN = 'free';

  /** Signups allowed per client IP per hour (429 above). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SIGNUP_MAX_PER_IP = 10;

  /** Verification and password-reset mails per address per hour (429 above). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ACCOUNT_MAIL_MAX_PER_ADDRESS = 5;

  /** Verification-resend and password-reset requests per client IP per hour (429 above). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ACCOUNT_MAIL_MAX_PER_IP = 30;

  /** Resolvers for domain verification, e.g. `1.1.1.1,8.8.8.8:53`; unset: the system's. */
  @IsOptional()
  @Matches(/^(\[[0-9a-f:.]+\](:[0-9]{1,5})?|[0-9a-f:.]+)(,(\[[0-9a-f:.]+\](:[0-9]{1,5})?|[0-9a-f:.]+))*$/i, {
    message: 'DNS_SERVERS must be comma-separated IP addresses, each optionally with :port ([::1]:53 for IPv6)',
  })
  DNS_SERVERS?: string;

  /** When set, `<slug>.<BASE_DOMAIN>` names the tenant of a request. */
  @IsOptional()
  @Matches(/^[a-z0-9.-]+$/i, { message: 'BASE_DOMAIN must be a host name such as example.com' })
  BASE_DOMAIN?: string;

  /** statement_timeout of every app-role transaction (SET LOCAL at its BEGIN, which a transaction pooler accepts). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600000)
  DB_STATEMENT_TIMEOUT_MS = 10000;

  /**
   * How long a transaction waits for a pooled connection and for its BEGIN to be answered before
   * it fails with 503 (a busy pool, or a database or PgBouncer queue that does not answer).
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600000)
  DB_ACQUIRE_TIMEOUT_MS = 5000;

  /**
   * Prepared statements on the database connections. false for PgBouncer before 1.21 in
   * transaction mode; `?prepare=false` on a URL also turns them off for that URL.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'DB_PREPARE must be true or false' })
  DB_PREPARE = true;

  /** Whether tenant requests and domain events are metered (off: no usage, no monthly API-call quota). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'METERING_ENABLED must be true or false' })
  METERING_ENABLED = true;

  /** The API's usage buffer is flushed at least this often (and on shutdown). */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  METERING_FLUSH_INTERVAL_MS = 1000;

  /** Events per batch (one BullMQ job); a full batch is flushed at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20000)
  METERING_BATCH_SIZE = 2000;

  /** Events kept in memory while Redis cannot take them; beyond this the oldest are dropped (counted, logged). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(10000000)
  METERING_MAX_BUFFERED = 200000;

  /** Usage batches one worker process applies at a time. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(32)
  METERING_WORKER_CONCURRENCY = 2;

  /** How often the worker re-evaluates every tenant's monthly API calls against its quota. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  QUOTA_EVALUATION_INTERVAL_MS = 60000;

  /**
   * Webhook URLs may name private, loopback, link-local and metadata addresses. Off by default:
   * production then takes only https URLs of public addresses; development and test allow loopback.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'WEBHOOK_ALLOW_PRIVATE must be true or false' })
  WEBHOOK_ALLOW_PRIVATE = false;

  /** A delivery attempt that has no 2xx answer within this long has failed. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  WEBHOOK_TIMEOUT_MS = 15000;

  /** Deliveries one worker process makes at a time, across all endpoints. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_WORKER_CONCURRENCY = 64;

  /** Deliveries in flight to one endpoint at a time, across every worker process (the rest wait, so others go first). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOK_ENDPOINT_CONCURRENCY = 4;

  /** How often the worker looks for committed events to dispatch and deliveries due again. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  WEBHOOK_DISPATCH_INTERVAL_MS = 200;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  @IsOptional()
  @IsString()
  SEED_ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  SEED_ADMIN_PASSWORD?: string;
}

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * Validates raw variables; throws one line per problem. Used by @nestjs/config and the CLIs.
 * `serving: false` (an operator command such as db:migrate) skips what only the API and the
 * worker need in production (their database URLs, secrets and mail).
 */
export function validateEnvironment(raw: Record<string, unknown>, options: { serving?: boolean } = {}): Environment {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const env = plainToInstance(Environment, present, { exposeDefaultValues: true });
  const problems = validateSync(env, { skipMissingProperties: false }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    ),
  );
  if (env.NODE_ENV === 'production' && options.serving !== false) {
    if (env.JWT_SECRET === DEV_JWT_SECRET) {
      problems.push('JWT_SECRET: the development default is refused in production; set a secret of 32+ random characters');
    }
    for (const key of ['DATABASE_URL', 'SYSTEM_DATABASE_URL', 'MASTER_KEYS'] as const) {
      if (!env[key]) problems.push(`${key}: required in production`);
    }
    if (!env.SMTP_URL && !env.MAIL_DISABLED) {
      problems.push('SMTP_URL: required in production (or MAIL_DISABLED=true to run knowingly without mail)');
    }
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return env;
}
