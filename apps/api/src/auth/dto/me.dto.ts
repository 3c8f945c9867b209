import type { TenantRole, TenantStatus } from '@tenantry/db';

/** The signed-in user. */
export class MeUser {
  /** @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  id: string;

  /** @example "ada@acme.example" */
  email: string;

  /** @example "admin" */
  role: TenantRole;
}

/** The API key a request is made with. */
export class MeApiKey {
  /** @example "3c9a1e47-5d2b-4f8e-a1c6-7b0d9e2f4a58" */
  id: string;

  /** @example "member" */
  role: TenantRole;
}

/** The tenant a request runs in. */
export class TenantSummary {
  /** @example "5a0c8f7e-1d2b-4c3a-9e8f-6b5a4d3c2b1a" */
  id: string;

  /** @example "acme" */
  slug: string;

  /** @example "Acme Inc." */
  name: string;

  /** The plan's key. @example "pro" */
  plan: string;

  /** @example "active" */
  status: TenantStatus;
}

/** The system admin acting through an impersonation token. */
export class Impersonator {
  /** @example "e4d3c2b1-a098-4f7e-8d6c-5b4a39281706" */
  id: string;
}

/** Who is calling: `user` for a user's token, `apiKey` for an API key, and the tenant either way. */
export class MeResponse {
  /** Present for a user's token. */
  user?: MeUser;

  /** Present for an API key. */
  apiKey?: MeApiKey;

  tenant: TenantSummary;

  /** Present when a system admin impersonates the user. */
  impersonatedBy?: Impersonator;
}
