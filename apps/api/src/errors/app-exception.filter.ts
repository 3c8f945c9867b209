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
import { asPgError, isDatabaseUnavailable, PG_ERROR, PgError } from '@tenantry/db';
import { TooManyRequestsException } from '@tenantry/errors';
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
    if ((exception instanceof TooManyRequestsException || exception instanceof UnavailableException) && host.getType() === 'http') {
      host.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(exception.retryAfterSeconds));
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
      case PG_ERROR.UNIQUE_VIOLATION:
        return new ConflictException(conflictMessage(error));
      case PG_ERROR.FOREIGN_KEY_VIOLATION:
        return new NotFoundException('A referenced resource does not exist');
      case PG_ERROR.INVALID_TEXT_REPRESENTATION:
      case PG_ERROR.INVALID_DATETIME_FORMAT:
      case PG_ERROR.DATETIME_FIELD_OVERFLOW:
      case PG_ERROR.INVALID_TIME_ZONE_DISPLACEMENT_VALUE:
      case PG_ERROR.CHARACTER_NOT_IN_REPERTOIRE:
      case PG_ERROR.NUMERIC_VALUE_OUT_OF_RANGE:
      case PG_ERROR.STRING_DATA_RIGHT_TRUNCATION:
      case PG_ERROR.NOT_NULL_VIOLATION:
      case PG_ERROR.CHECK_VIOLATION:
        return new BadRequestException('Invalid value');
      case PG_ERROR.INSUFFICIENT_PRIVILEGE:
        return new ForbiddenException('Not allowed');
      case PG_ERROR.QUERY_CANCELED:
      case PG_ERROR.LOCK_NOT_AVAILABLE:
      case PG_ERROR.SERIALIZATION_FAILURE:
      case PG_ERROR.DEADLOCK_DETECTED:
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
