import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { hostileInputProblem } from './hostile-input';

/** True when the request carries a body (a length above 0, or a chunked one). */
const hasBody = (request: Request): boolean =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
const SCIM_MEDIA_TYPE = /^application\/scim\+json\s*(;|$)/i;
const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** The SAML HTTP-POST binding: the IdP makes the browser post a form to the ACS. */
export const SAML_ACS_PATH = '/v1/auth/sso/saml/acs';
/** SCIM clients send application/scim+json (RFC 7644 §3.1). */
export const SCIM_PATH_PREFIX = '/scim/v2/';

/**
 * The API speaks JSON only: a body of any other media type (a form, text, multipart, XML) is 415
 * before any parser reads it, so no route can be reached by a form a browser posts cross-site.
 * Two exceptions the protocols demand, each for its own path alone: the SAML ACS takes the form
 * the IdP has the browser post (its signed assertion, not a cookie, is the credential), and SCIM
 * takes application/scim+json.
 */
export function jsonBodiesOnly(request: Request, _response: Response, next: NextFunction): void {
  const type = request.headers['content-type'] ?? '';
  if (!hasBody(request) || JSON_MEDIA_TYPE.test(type)) return next();
  if (request.path.startsWith(SCIM_PATH_PREFIX) && SCIM_MEDIA_TYPE.test(type)) return next();
  if (request.method === 'POST' && request.path === SAML_ACS_PATH && FORM_MEDIA_TYPE.test(type)) return next();
  next(new UnsupportedMediaTypeException(request.path.startsWith(SCIM_PATH_PREFIX) ? 'Request bodies must be application/scim+json or application/json' : 'Request bodies must be application/json'));
}

/**
 * After the JSON parser, before routing and validation: a body must be a JSON object, and body
 * and query may hold no nesting deeper than the bound, no prototype keys, no NUL and no lone
 * surrogate (see hostileInputProblem). One rule for every route, present and future.
 */
export function refuseHostileInput(request: Request, _response: Response, next: NextFunction): void {
  const body: unknown = request.body;
  if (hasBody(request) && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    return next(new BadRequestException('The request body must be a JSON object'));
  }
  const problem = hostileInputProblem(body) ?? hostileInputProblem(request.query);
  next(problem ? new BadRequestException(problem) : undefined);
}
