import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { urlencoded } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { assignRequestIdAndHeaders } from '../request-context/request-id';
import { hostileInputProblem } from './hostile-input';
import { jsonBodyParser } from './json-body-parser';

/** True when the request carries a body (a length above 0, or a chunked one). */
const hasBody = (request: Request): boolean =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/**
 * True when the request declares a body at all, even an empty one (a length, 0 included, or
 * chunks): body-parser's own test. A request that declares none passes every parser untouched.
 */
const declaresBody = (request: Request): boolean =>
  request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;

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
function jsonBodiesOnly(request: Request, _response: Response, next: NextFunction): void {
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
function refuseHostileInput(request: Request, _response: Response, next: NextFunction): void {
  const body: unknown = request.body;
  if (hasBody(request) && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    return next(new BadRequestException('The request body must be a JSON object'));
  }
  const problem = hostileInputProblem(body) ?? hostileInputProblem(request.query);
  next(problem ? new BadRequestException(problem) : undefined);
}

/**
 * The request edge as one Express layer, ahead of every route (the docs and the queue dashboard
 * too), in this order: the request id and the security headers (`securityHeaders`: helmet's,
 * collected once), so that even a refusal of the parser carries them; JSON bodies only (415); the
 * JSON parser (413 before reading a body over `bodyLimit`); the form parser on the SAML ACS path
 * alone (the only path where jsonBodiesOnly lets a form through); then the shape rules no route
 * may skip (400). A refusal goes to `next(error)`, so the exception filter answers it in the
 * shared error shape. One layer, where it was five: each layer of Express's router costs a match,
 * a params pass and a closure per request.
 */
export function requestEdge(options: { securityHeaders: Record<string, string>; bodyLimit: string }): RequestHandler {
  const assignIdAndHeaders = assignRequestIdAndHeaders(options.securityHeaders);
  const parseJson = jsonBodyParser(options.bodyLimit);
  const parseForm = urlencoded({ limit: options.bodyLimit, extended: false, parameterLimit: 10 });
  return function requestEdgeLayer(request: Request, response: Response, next: NextFunction): void {
    assignIdAndHeaders(request, response);
    // Most GETs declare no body: the parsers are not called, req.body stays undefined as body-parser
    // leaves it, and only the query's shape is checked. (`Content-Length: 0` still goes through
    // them: body-parser makes that body `{}`.)
    if (!declaresBody(request)) return refuseHostileInput(request, response, next);
    jsonBodiesOnly(request, response, (refusal?: unknown) => {
      if (refusal) return next(refusal);
      parseJson(request, response, (error?: unknown) => {
        if (error) return next(error);
        if (!isSamlAcsPath(request.path)) return refuseHostileInput(request, response, next);
        parseForm(request, response, (formError?: unknown) => (formError ? next(formError) : refuseHostileInput(request, response, next)));
      });
    });
  };
}

/** What `express.use(SAML_ACS_PATH, ...)` matched: the path itself or below it. */
const isSamlAcsPath = (path: string): boolean => path === SAML_ACS_PATH || path.startsWith(`${SAML_ACS_PATH}/`);
