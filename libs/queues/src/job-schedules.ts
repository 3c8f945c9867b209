import { BeforeApplicationShutdown, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { JobSchedulerTemplateOptions, RepeatOptions } from 'bullmq';
import Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';
import { claimDeploymentKey, DeploymentConflictError, DeploymentIdentity, readDeploymentIdentity, sameDeployment } from './deployment-lock';
import { upsertJobScheduler } from './worker-support';

/** A repeatable job: upserted under `schedulerId` on its queue. */
export interface JobSchedule {
  queueName: string;
  schedulerId: string;
  repeat: Omit<RepeatOptions, 'key'>;
  template: { name: string; opts?: JobSchedulerTemplateOptions };
}

/** How often the worker upserts every job scheduler again, whatever Redis said. */
export const JOB_SCHEDULES_CHECK_INTERVAL_MS = 60_000;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The worker's repeatable jobs. Job schedulers live in Redis only, so a Redis restarted empty (no
 * persistence, a failover to a blank replica, a flush) forgets them, and registering them at boot
 * alone left quota evaluation, retention and the sweeps stopped until a worker restarted. Each is
 * upserted at boot, again whenever the shared Redis client is ready after a reconnect, and every
 * JOB_SCHEDULES_CHECK_INTERVAL_MS. An upsert is idempotent: an existing scheduler keeps its next
 * run, so re-registering never delays or doubles a job.
 */
@Injectable()
export class JobSchedules implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobSchedules.name);
  private readonly schedules: JobSchedule[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private runAgain = false;
  private isFailing = false;
  private isStopped = false;
  private identity: DeploymentIdentity | undefined;
  private isRefused = false;
  private readonly onReady = () => void this.upsertAll('Redis is ready again');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Upserts the scheduler now (rejects when Redis does not take it) and keeps it registered. */
  async register(schedule: JobSchedule): Promise<void> {
    await this.upsert(schedule);
    this.schedules.push(schedule);
  }

  onApplicationBootstrap(): void {
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(() => void this.upsertAll('periodic check'), JOB_SCHEDULES_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Upserts every registered scheduler; one pass at a time, a request during a pass runs one more. */
  upsertAll(why: string): Promise<void> {
    if (this.isStopped || this.schedules.length === 0) return Promise.resolve();
    if (this.running) {
      this.runAgain = true;
      return this.running;
    }
    this.running = this.pass(why).finally(() => {
      this.running = undefined;
      if (this.runAgain && !this.isStopped) {
        this.runAgain = false;
        void this.upsertAll(why);
      }
    });
    return this.running;
  }

  private async pass(why: string): Promise<void> {
    if (!(await this.holdsKeyPrefix())) return;
    const failures: string[] = [];
    for (const schedule of this.schedules) {
      if (this.isStopped) return;
      await this.upsert(schedule).catch((error: unknown) => failures.push(`${schedule.schedulerId}: ${reason(error)}`));
    }
    if (failures.length > 0) {
      // Once per outage: the next ready event or check tries again.
      if (!this.isFailing) this.logger.warn(`could not register job schedulers (${why}): ${failures.join('; ')}`);
      this.isFailing = true;
      return;
    }
    if (this.isFailing || why !== 'periodic check') this.logger.log(`${this.schedules.length} job schedulers registered (${why})`);
    this.isFailing = false;
  }

  /**
   * A Redis restarted empty has lost the deployment's claim on REDIS_KEY_PREFIX (see
   * claimRedisKeyPrefix): claim it again before writing schedulers, so that a deployment of another
   * database starting now is refused rather than sharing the jobs. Should another database hold it
   * meanwhile, say so and register nothing. When the claim cannot be checked, go on as at boot.
   */
  private async holdsKeyPrefix(): Promise<boolean> {
    const databaseUrl = this.config.get('DATABASE_URL');
    if (!databaseUrl) return true;
    const prefix = this.config.get('REDIS_KEY_PREFIX');
    try {
      this.identity ??= await readDeploymentIdentity(databaseUrl);
      const owner = await claimDeploymentKey(this.redis, prefix, this.identity);
      if (sameDeployment(owner, this.identity)) {
        this.isRefused = false;
        return true;
      }
      if (!this.isRefused) this.logger.error(`${new DeploymentConflictError(prefix, owner, this.identity).message}; job schedulers are not registered`);
      this.isRefused = true;
      return false;
    } catch {
      return true;
    }
  }

  private upsert({ queueName, schedulerId, repeat, template }: JobSchedule): Promise<void> {
    return upsertJobScheduler(this.config, queueName, schedulerId, repeat, template);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.isStopped = true;
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
    await this.running?.catch(() => undefined);
  }
}

/** Provides JobSchedules; imported by the worker only. */
@Global()
@Module({ providers: [JobSchedules], exports: [JobSchedules] })
export class JobSchedulesModule {}
