/** Validated configuration: the environment schema, its validator and the typed AppConfig service. */
export * from './app-config';
export * from './config.module';
export * from './environment';
export * from './process-lifecycle';
