import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from './environment';

/** Typed, read-only access to the validated configuration. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<Environment, true>) {}

  get<K extends keyof Environment>(key: K): Environment[K] {
    return this.config.get(key, { infer: true });
  }

  get isProduction(): boolean {
    return this.get('NODE_ENV') === 'production';
  }

  /** The app-role URL; always set once the process has booted (dev fills it from the embedded database). */
  get databaseUrl(): string {
    const url = this.get('DATABASE_URL');
    if (!url) throw new Error('DATABASE_URL is not set');
    return url;
  }

  get systemDatabaseUrl(): string {
    const url = this.get('SYSTEM_DATABASE_URL');
    if (!url) throw new Error('SYSTEM_DATABASE_URL is not set');
    return url;
  }
}
