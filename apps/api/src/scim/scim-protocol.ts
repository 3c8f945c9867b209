import { HttpException } from '@nestjs/common';
import type { User } from '@tenantry/db';

/**
 * The wire names of SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) this API speaks, and the
 * pure steps between them and our users: the resource, the one filter we answer, PATCH operations.
 */
export const SCIM_SCHEMA = {
  USER: 'urn:ietf:params:scim:schemas:core:2.0:User',
  LIST: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  PATCH: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  ERROR: 'urn:ietf:params:scim:api:messages:2.0:Error',
  SERVICE_PROVIDER_CONFIG: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  RESOURCE_TYPE: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  SCHEMA: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export type ScimType = 'invalidFilter' | 'invalidSyntax' | 'invalidValue' | 'uniqueness' | 'mutability' | 'noTarget' | 'tooMany' | 'invalidPath';

/** An error with its SCIM `scimType` (RFC 7644 §3.12); the exception filter renders the SCIM body. */
export class ScimException extends HttpException {
  constructor(status: number, readonly scimType: ScimType | undefined, detail: string) {
    super({ message: detail, scimType }, status);
  }
}

export const scimBadRequest = (scimType: ScimType, detail: string) => new ScimException(400, scimType, detail);

/** A User resource as RFC 7643 §4.1 shapes it; userName is the member's email. */
export function toScimUser(user: User, location: string) {
  return {
    schemas: [SCIM_SCHEMA.USER],
    id: user.id,
    userName: user.email,
    active: user.status === 'active',
    emails: [{ value: user.email, type: 'work', primary: true }],
    meta: { resourceType: 'User', created: user.createdAt.toISOString(), lastModified: user.updatedAt.toISOString(), location },
  };
}

export type ScimUser = ReturnType<typeof toScimUser>;

/** What a create or replace sets: the address (userName) and whether the user is active. */
export interface ScimUserInput {
  email: string;
  active: boolean;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

function email(value: unknown, attribute: string): string {
  if (typeof value !== 'string' || value.length > 254 || !EMAIL.test(value.trim())) {
    throw scimBadRequest('invalidValue', `${attribute} must be an email address`);
  }
  return value.trim().toLowerCase();
}

/** SCIM booleans, also as the strings some directories send ("True", "false"). */
function boolean(value: unknown, attribute: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw scimBadRequest('invalidValue', `${attribute} must be a boolean`);
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** Attribute names are case-insensitive (RFC 7643 §2.1). */
const attribute = (resource: Record<string, unknown>, name: string): unknown =>
  Object.entries(resource).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/**
 * The body of POST and PUT /Users. Attributes this API does not keep (name, displayName,
 * externalId, extensions...) are accepted and ignored, as directories send them all.
 */
export function parseScimUser(body: unknown): ScimUserInput {
  const resource = asObject(body);
  if (!resource) throw scimBadRequest('invalidSyntax', 'The body must be a SCIM User resource');
  const schemas = attribute(resource, 'schemas');
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(SCIM_SCHEMA.USER))) {
    throw scimBadRequest('invalidSyntax', `schemas must include ${SCIM_SCHEMA.USER}`);
  }
  const userName = attribute(resource, 'userName');
  if (userName === undefined) throw scimBadRequest('invalidValue', 'userName is required');
  const active = attribute(resource, 'active');
  return { email: email(userName, 'userName'), active: active === undefined ? true : boolean(active, 'active') };
}

/** `filter=userName eq "ada@acme.example"`, the one filter RFC 7644 §3.4.2.2 clients rely on; else invalidFilter. */
export function parseUserNameFilter(filter: string | undefined): string | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const match = /^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  if (!match) throw scimBadRequest('invalidFilter', 'Only filter=userName eq "<value>" is supported');
  return match[1]!.replace(/\\(.)/g, '$1').trim().toLowerCase();
}

/** What a PATCH changes; undefined fields stay. */
export interface ScimUserChanges {
  email?: string;
  active?: boolean;
}

const IGNORED_PATHS = /^(name(\..+)?|displayName|nickName|externalId|title|locale|timezone|preferredLanguage|emails(\[.*\])?(\..+)?|phoneNumbers(\[.*\])?(\..+)?|addresses(\[.*\])?(\..+)?|urn:.+)$/i;

/** RFC 7644 §3.5.2 operations on our two attributes; attributes we do not keep are no-ops. */
export function parsePatch(body: unknown): ScimUserChanges {
  const message = asObject(body);
  const schemas = message && attribute(message, 'schemas');
  if (!message || !Array.isArray(schemas) || !schemas.includes(SCIM_SCHEMA.PATCH)) {
    throw scimBadRequest('invalidSyntax', `A PATCH body is a ${SCIM_SCHEMA.PATCH} message`);
  }
  const operations = attribute(message, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw scimBadRequest('invalidSyntax', 'Operations must be a non-empty array');
  if (operations.length > 50) throw scimBadRequest('tooMany', 'At most 50 operations per PATCH');
  const changes: ScimUserChanges = {};
  const apply = (path: string, value: unknown) => {
    if (/^active$/i.test(path)) changes.active = boolean(value, 'active');
    else if (/^userName$/i.test(path)) changes.email = email(value, 'userName');
    else if (!IGNORED_PATHS.test(path)) throw scimBadRequest('invalidPath', `${path} is not an attribute of a User`);
  };
  for (const entry of operations) {
    const operation = asObject(entry);
    const op = typeof operation?.op === 'string' ? operation.op.toLowerCase() : undefined;
    if (!operation || !op || !['add', 'replace', 'remove'].includes(op)) throw scimBadRequest('invalidSyntax', 'Each operation needs op: add, replace or remove');
    const path = operation.path;
    if (path !== undefined && typeof path !== 'string') throw scimBadRequest('invalidPath', 'path must be a string');
    if (op === 'remove') {
      if (path === undefined) throw scimBadRequest('noTarget', 'remove needs a path');
      if (/^(active|userName)$/i.test(path)) throw scimBadRequest('mutability', `${path} cannot be removed`);
      apply(path, undefined);
      continue;
    }
    if (path === undefined) {
      const values = asObject(operation.value);
      if (!values) throw scimBadRequest('invalidValue', 'An operation without a path needs an object value');
      for (const [key, value] of Object.entries(values)) if (key.toLowerCase() !== 'schemas') apply(key, value);
    } else {
      apply(path, operation.value);
    }
  }
  return changes;
}
