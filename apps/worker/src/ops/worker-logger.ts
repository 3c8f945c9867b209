import type { Params } from 'nestjs-pino';
import pino, { Logger } from 'pino';
import { AppConfig } from '@tenantry/config';

/**
 * The worker's pino logger, configured as the API's: JSON lines (`level`, `time`, `msg`, `context`)
 * in production, pretty single lines in development, silent under NODE_ENV=test unless LOG_LEVEL
 * says otherwise. Nest's own log lines go through it (nestjs-pino).
 */
export function createWorkerLogger(config: AppConfig, destination?: pino.DestinationStream): Logger {
  const isTest = config.get('NODE_ENV') === 'test';
  const options: pino.LoggerOptions = {
    level: config.get('LOG_LEVEL') ?? (isTest ? 'silent' : 'info'),
    transport: config.get('NODE_ENV') === 'development' && !destination ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** nestjs-pino as Nest's logger, without request lines: the worker's HTTP is probes and scrapes. */
export function workerLoggerParams(config: AppConfig): Params {
  return { pinoHttp: { logger: createWorkerLogger(config) }, forRoutes: [] };
}
