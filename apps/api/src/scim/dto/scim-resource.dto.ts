/** One address of a SCIM User. */
export class ScimEmail {
  /** @example "ada@acme.example" */
  value: string;

  /** @example "work" */
  type: string;

  /** @example true */
  primary: boolean;
}

export class ScimMeta {
  /** @example "User" */
  resourceType: string;

  /** @example "2025-01-02T03:04:05.000Z" */
  created?: string;

  /** @example "2025-01-02T03:04:05.000Z" */
  lastModified?: string;

  /** @example "https://api.tenantry.example/scim/v2/Users/0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  location: string;
}

/** The body of POST and PUT /scim/v2/Users: other User attributes are accepted and ignored. */
export class ScimUserBody {
  /** @example ["urn:ietf:params:scim:schemas:core:2.0:User"] */
  schemas?: string[];

  /** The member's email address. @example "ada@acme.example" */
  userName: string;

  /** `false` deactivates: no sign-in, sessions revoked, seat freed. @example true */
  active?: boolean;
}

export class ScimPatchOperation {
  /** @example "replace" */
  op: string;

  /** `active` or `userName`; without one, `value` holds the attributes. @example "active" */
  path?: string;

  /** @example false */
  value?: unknown;
}

/** The body of PATCH /scim/v2/Users/{id} (RFC 7644 §3.5.2). */
export class ScimPatchBody {
  /** @example ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] */
  schemas: string[];

  Operations: ScimPatchOperation[];
}

/** A User resource (RFC 7643 §4.1). */
export class ScimUserResource {
  /** @example ["urn:ietf:params:scim:schemas:core:2.0:User"] */
  schemas: string[];

  /** @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  id: string;

  /** @example "ada@acme.example" */
  userName: string;

  /** @example true */
  active: boolean;

  emails: ScimEmail[];

  meta: ScimMeta;
}

/** A ListResponse of Users (RFC 7644 §3.4.2). */
export class ScimUserList {
  /** @example ["urn:ietf:params:scim:api:messages:2.0:ListResponse"] */
  schemas: string[];

  /** @example 1 */
  totalResults: number;

  /** @example 1 */
  startIndex: number;

  /** @example 1 */
  itemsPerPage: number;

  Resources: ScimUserResource[];
}

/** A discovery document: ServiceProviderConfig, or a ListResponse of ResourceTypes or Schemas (RFC 7644 §4). */
export class ScimDiscoveryDocument {
  /** @example ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"] */
  schemas: string[];

  /** ListResponses: the resource types or schemas. */
  Resources?: Record<string, unknown>[];

  meta?: ScimMeta;
}

/** Every SCIM error answer (RFC 7644 §3.12). */
export class ScimErrorResponse {
  /** @example ["urn:ietf:params:scim:api:messages:2.0:Error"] */
  schemas: string[];

  /** The HTTP status, as a string. @example "400" */
  status: string;

  /** @example "invalidFilter" */
  scimType?: string;

  /** @example "Only filter=userName eq \"<value>\" is supported" */
  detail: string;
}
