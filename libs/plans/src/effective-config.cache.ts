import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@tenantry/config';
import { REDIS } from '@tenantry/redis';
import { TenantTransaction } from '@tenantry/tenancy';
import { EffectiveConfig } from './effective-config';
import { EffectiveConfigService } from './effective-config.service';

/** How long an entry lives while this process hears invalidations. */
export const EFFECTIVE_CONFIG_CACHE_MAX_AGE_MS = 30_000;
/** How long it lives while it may not (the subscriber is not connected). */
export const EFFECTIVE_CONFIG_CACHE_FALLBACK_MAX_AGE_MS = 1000;

/** Message: a tenant id, or `*` for every tenant (a plan changed). */
export const tenantConfigChannel = (config: AppConfig): string => `${config.get('REDIS_KEY_PREFIX')}:tenant-config-changed`;

/**
 * Effective configs by tenant: the rate limiter and feature gates read them before the request's
 * transaction opens, and a miss loads the config in a short transaction of its own. An entry lives
 * 30 s; every change to a tenant's effective config is published after commit on
 * `<REDIS_KEY_PREFIX>:tenant-config-changed` (TenantConfigEvents), and each process drops the
 * entry when it hears it. While this process's subscriber is not connected it may miss messages,
 * so entries then live at most a second, and all are dropped when it subscribes again.
 */
@Injectable()
export class EffectiveConfigCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EffectiveConfigCache.name);
  private readonly entries = new Map<string, { config: EffectiveConfig; loadedAt: number }>();
  private subscriber?: Redis;
  private listening = false;
  /** Bumped by every invalidation: a load that overlapped one keeps no entry. */
  private generation = 0;
  /** Effective-config loads (misses) since start: observable in tests. */
  loads = 0;

  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly effectiveConfig: EffectiveConfigService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const channel = tenantConfigChannel(this.config);
    // Own connection: a subscribed connection can run no other command. Resubscribed by hand on
    // every (re)connect, so the entries are cleared only once the subscription is in place.
    const subscriber = this.redis.duplicate({ autoResubscribe: false, lazyConnect: false });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the shared client already says when Redis is down
    subscriber.on('close', () => {
      this.listening = false;
    });
    subscriber.on('ready', () => {
      subscriber
        .subscribe(channel)
        .then(() => {
          this.invalidate('*'); // messages may have been missed while not subscribed
          this.listening = true;
        })
        .catch((error: Error) => this.logger.warn(`could not subscribe to ${channel}: ${error.message}`));
    });
    subscriber.on('message', (_channel: string, message: string) => this.invalidate(message));
  }

  onApplicationShutdown(): void {
    // disconnect() never waits for Redis, so shutdown cannot hang while it is down.
    this.listening = false;
    this.subscriber?.disconnect();
  }

  /** Whether this process hears invalidations now (entries then live 30 s, else 1 s). */
  get isListening(): boolean {
    return this.listening;
  }

  /** Drops one tenant's entry, or every entry for `*`. */
  invalidate(tenantId: string): void {
    this.generation += 1;
    if (tenantId === '*') this.entries.clear();
    else this.entries.delete(tenantId);
  }

  /** Undefined for a tenant that does not exist; the tenant interceptor then answers 401. */
  async get(tenantId: string): Promise<EffectiveConfig | undefined> {
    const entry = this.entries.get(tenantId);
    const maxAge = this.listening ? EFFECTIVE_CONFIG_CACHE_MAX_AGE_MS : EFFECTIVE_CONFIG_CACHE_FALLBACK_MAX_AGE_MS;
    if (entry && Date.now() - entry.loadedAt < maxAge) return entry.config;
    const loadStartedAt = Date.now();
    const generation = this.generation;
    this.loads += 1;
    const config = await this.tenantTransaction.run({ tenantId }, () => this.effectiveConfig.find());
    if (!config) return undefined;
    // It may have read the config a change then replaced: keep it only if nothing was invalidated.
    if (generation !== this.generation) return config;
    if (this.entries.size > 10000) this.entries.clear();
    this.entries.set(tenantId, { config, loadedAt: loadStartedAt });
    return config;
  }
}
