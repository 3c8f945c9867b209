import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { asPgError, isDatabaseUnavailable, PG_ERROR, PgError } from '@tenantry/db';
import { TooManyRequestsException } from '@tenantry/errors';
import { errorBody, reasonPhrase } from './error-body';
import { DependencyUnavailableError } from '@tenantry/redis';
import { SCIM_PATH_PREFIX } from '../http-edge/request-edge';
import { SCIM_CONTENT_TYPE, SCIM_SCHEMA } from '../scim/scim-protocol';

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
 * Every error answer of the process, once: HTTP exceptions of any layer (guards, pipes, the
 * request edge, handlers), body-parser's refusals and PostgreSQL errors all leave in the shared
 * shape `{statusCode, error, message}`. Nothing SQL reaches a client, and bad input never turns
 * into a 500; what is left (a bug) is logged and answered 500 in the same shape.
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
    const http = this.inSharedShape(this.toHttpException(exception));
    if (host.getType() === 'http' && host.switchToHttp().getRequest<Request>().path.startsWith(SCIM_PATH_PREFIX)) {
      return this.inScimShape(http, exception, host.switchToHttp().getResponse<Response>());
    }
    return super.catch(http, host);
  }

  /**
   * Under /scim/v2 every error leaves as RFC 7644 §3.12 has it: `schemas`, `status` (a string),
   * `scimType` where one applies, `detail`, as application/scim+json.
   */
  private inScimShape(http: HttpException, original: unknown, response: Response): void {
    const status = http.getStatus();
    const body = http.getResponse() as { message?: string | string[] };
    const detail = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? reasonPhrase(status));
    const given = (original instanceof HttpException ? (original.getResponse() as { scimType?: unknown }) : undefined)?.scimType;
    const scimType = typeof given === 'string' ? given : status === 409 ? 'uniqueness' : status === 400 ? 'invalidValue' : undefined;
    response
      .status(status)
      .setHeader('content-type', SCIM_CONTENT_TYPE)
      .send(JSON.stringify({ schemas: [SCIM_SCHEMA.ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail }));
  }

  private toHttpException(exception: unknown): HttpException {
    if (exception instanceof HttpException) return exception;
    // body-parser's own errors (malformed JSON or encoding, unknown charset, body too large) carry
    // a 4xx status and are http-errors marked `expose` (their messages name no internals).
    const bodyError = exception as { status?: unknown; type?: unknown; expose?: unknown; message?: string } | null;
    const isExposed = typeof bodyError?.type === 'string' || bodyError?.expose === true;
    if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500 && isExposed) {
      return new HttpException(bodyError.message || reasonPhrase(bodyError.status), bodyError.status);
    }
    const pgError = asPgError(exception);
    const mapped = pgError && this.fromPostgres(pgError);
    if (mapped) return mapped;
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return new HttpException('Internal server error', HttpStatus.INTERNAL_SERVER_ERROR);
  }

  /**
   * Passport's bare 401, a string response, a custom object: all get `error` and `message`. An
   * object with neither `statusCode` nor `message` is a body of its own, kept as it is: the
   * health checks' 503 is their health report.
   */
  private inSharedShape(exception: HttpException): HttpException {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const fields = typeof response === 'object' && response !== null ? (response as { error?: unknown; message?: unknown; statusCode?: unknown }) : {};
    if (typeof response === 'object' && response !== null && fields.message === undefined && fields.statusCode === undefined) return exception;
    const message =
      typeof fields.message === 'string' || (Array.isArray(fields.message) && fields.message.every((entry) => typeof entry === 'string'))
        ? (fields.message as string | string[])
        : typeof response === 'string'
          ? response
          : exception.message;
    // A 4xx's `error` is its reason phrase (Nest's exceptions set one); a custom one is kept.
    const error = typeof fields.error === 'string' ? fields.error : reasonPhrase(status);
    const shaped = new HttpException(errorBody(status, message, error), status, { cause: exception.cause });
    return Object.assign(shaped, { retryAfterSeconds: (exception as { retryAfterSeconds?: number }).retryAfterSeconds });
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
