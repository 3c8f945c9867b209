import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  ForbiddenException,
  HttpException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { asPgError, isDatabaseUnavailable, PgError } from '@tenantry/db';
import { DependencyUnavailableError } from '@tenantry/redis';

/** Seconds a client is told to wait when the database is unreachable (a restart or failover takes a few). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** 503 that carries its Retry-After; `catch` writes the header. */
class UnavailableException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * Maps PostgreSQL errors to HTTP answers once, for every route: nothing SQL reaches a client,
 * and bad input never turns into a 500.
 */
@Catch()
export class AppExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  override catch(exception: unknown, host: ArgumentsHost): void {
    // A dependency that is down or broke a connection is a condition that passes: 503, never 500.
    if (exception instanceof DependencyUnavailableError) {
      this.logger.warn(exception.message);
      return this.catch(new UnavailableException(exception.message, exception.retryAfterSeconds), host);
    }
    if (!(exception instanceof HttpException) && isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
      return this.catch(new UnavailableException('The database is unavailable; retry shortly', DATABASE_RETRY_AFTER_SECONDS), host);
    }
    const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (exception instanceof HttpException && typeof retryAfter === 'number' && host.getType() === 'http') {
      host.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    }
    if (exception instanceof HttpException) return super.catch(exception, host);
    // body-parser's own errors (malformed JSON, body too large) carry a 4xx status of their own.
    const bodyError = exception as { status?: unknown; type?: unknown; message?: string } | null;
    if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500 && typeof bodyError.type === 'string') {
      return super.catch(new HttpException(bodyError.message ?? 'Bad request', bodyError.status), host);
    }
    const pgError = asPgError(exception);
    const mapped = pgError && this.fromPostgres(pgError);
    if (mapped) return super.catch(mapped, host);
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return super.catch(exception, host);
  }

  private fromPostgres(error: PgError): HttpException | undefined {
    switch (error.code) {
      case '23505':
        return new ConflictException(conflictMessage(error));
      case '23503':
        return new NotFoundException('A referenced resource does not exist');
      case '22P02':
      case '22007':
      case '22008':
      case '22009':
      case '22021':
      case '22003':
      case '22001':
      case '23502':
      case '23514':
        return new BadRequestException('Invalid value');
      case '42501':
        return new ForbiddenException('Not allowed');
      case '57014':
      case '55P03':
      case '40001':
      case '40P01':
        return new ServiceUnavailableException('The database is busy; retry shortly');
      default:
        return undefined;
    }
  }
}

function conflictMessage(error: PgError): string {
  const match = /Key \((.+?)\)=/.exec(error.detail ?? '');
  const fields = match?.[1]
    ?.split(',')
    .map((field) => field.trim())
    .filter((field) => field !== 'tenant_id');
  return fields?.length ? `A resource with this ${fields.join(', ')} already exists` : 'Already exists';
}
