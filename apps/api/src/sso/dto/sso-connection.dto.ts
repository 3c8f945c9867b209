import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { SSO_CONNECTION_TYPES, SsoConnectionType, TenantRole } from '@tenantry/db';

/** Roles a first sign-in may receive: never `owner`, which only an owner grants. */
export const PROVISIONED_ROLES = ['admin', 'member', 'viewer'] as const;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateSsoConnectionDto {
  /** @example "oidc" */
  @IsIn(SSO_CONNECTION_TYPES)
  type: SsoConnectionType;

  /** A label for admins. @example "Acme Okta" */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  /** OIDC: the issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). @example "https://acme.okta.com" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  issuer?: string;

  /** OIDC: the client id the IdP gave. @example "0oa1b2c3d4e5f6g7h8i9" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  clientId?: string;

  /** OIDC: the client secret; stored encrypted as a tenant secret, never shown again. @example "s3cr3t-from-the-idp" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  clientSecret?: string;

  /** SAML: the IdP's metadata (an EntityDescriptor); or give the three fields below. @example "<EntityDescriptor entityID=\"https://idp.acme.example\" ...>...</EntityDescriptor>" */
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  idpMetadataXml?: string;

  /** SAML: the IdP's entity id (the Issuer of its assertions). @example "https://idp.acme.example/saml" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  idpEntityId?: string;

  /** SAML: the IdP's single sign-on URL (HTTP-Redirect binding). @example "https://idp.acme.example/saml/sso" */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  idpSsoUrl?: string;

  /** SAML: the IdP's signing certificate, PEM or its base64 body. @example "MIIC8DCCAdigAwIBAgIQ..." */
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  idpCertificate?: string;

  /** The role of a user's first sign-in (JIT provisioning). @example "member" */
  @IsOptional()
  @IsIn(PROVISIONED_ROLES)
  defaultRole?: TenantRole;

  /** Email domains this connection may sign in; empty: any. @example ["acme.example"] */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  allowedDomains?: string[];

  /** Where a finished sign-in may return, besides APP_URL (origin and path, matched exactly). @example ["https://app.acme.example/sso/done"] */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  redirectUrls?: string[];
}

export class UpdateSsoConnectionDto {
  /** @example "Acme Okta (new tenant)" */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  /** @example false */
  @IsOptional()
  @IsBoolean()
  isEnabled?: boolean;

  /** @example "https://acme.okta.com" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  issuer?: string;

  /** @example "0oa1b2c3d4e5f6g7h8i9" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  clientId?: string;

  /** Replaces the stored secret. @example "n3w-s3cr3t" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  clientSecret?: string;

  /** SAML: the IdP's metadata (an EntityDescriptor); replaces the IdP settings. @example "<EntityDescriptor entityID=\"https://idp.acme.example\" ...>...</EntityDescriptor>" */
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  idpMetadataXml?: string;

  /** SAML: the IdP's entity id (the Issuer of its assertions). @example "https://idp.acme.example/saml" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  idpEntityId?: string;

  /** SAML: the IdP's single sign-on URL (HTTP-Redirect binding). @example "https://idp.acme.example/saml/sso" */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  idpSsoUrl?: string;

  /** SAML: the IdP's signing certificate, PEM or its base64 body. @example "MIIC8DCCAdigAwIBAgIQ..." */
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  idpCertificate?: string;

  /** @example "viewer" */
  @IsOptional()
  @IsIn(PROVISIONED_ROLES)
  defaultRole?: TenantRole;

  /** @example ["acme.example", "acme.co.uk"] */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  allowedDomains?: string[];

  /** @example ["https://app.acme.example/sso/done"] */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  redirectUrls?: string[];
}

/** A connection as the API answers it: never the client secret. */
export class SsoConnectionResponse {
  /** @example "7f3e2d1c-0b9a-4876-8543-210fedcba987" */
  id: string;

  /** @example "oidc" */
  type: SsoConnectionType;

  /** @example "Acme Okta" */
  name: string;

  /** @example true */
  isEnabled: boolean;

  /** @example "member" */
  defaultRole: TenantRole;

  /** @example ["acme.example"] */
  allowedDomains: string[];

  /** @example ["https://app.acme.example/sso/done"] */
  redirectUrls: string[];

  /** @example "https://acme.okta.com" */
  issuer: string | null;

  /** @example "0oa1b2c3d4e5f6g7h8i9" */
  clientId: string | null;

  /** OIDC: the redirect URI to register at the IdP. @example "https://api.tenantry.example/v1/auth/sso/oidc/callback" */
  redirectUri?: string;

  /** SAML: the IdP's entity id. @example "https://idp.acme.example/saml" */
  idpEntityId?: string | null;

  /** SAML: the IdP's sign-in URL. @example "https://idp.acme.example/saml/sso" */
  idpSsoUrl?: string | null;

  /** SAML: our entity id, the audience the IdP must put in its assertions. @example "https://api.tenantry.example/v1/auth/sso/saml/7f3e2d1c-0b9a-4876-8543-210fedcba987/metadata" */
  spEntityId?: string;

  /** SAML: our Assertion Consumer Service (HTTP-POST), to register at the IdP. @example "https://api.tenantry.example/v1/auth/sso/saml/acs" */
  acsUrl?: string;

  /** SAML: our service provider metadata, for IdPs that import it. @example "https://api.tenantry.example/v1/auth/sso/saml/7f3e2d1c-0b9a-4876-8543-210fedcba987/metadata" */
  metadataUrl?: string;

  /** Where a sign-in starts: send the browser here. @example "https://api.tenantry.example/v1/auth/sso/7f3e2d1c-0b9a-4876-8543-210fedcba987/start" */
  startUrl: string;

  createdAt: Date;

  updatedAt: Date;
}

/** One page of connections, newest first. */
export class SsoConnectionPage {
  data: SsoConnectionResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDdmM2Uy" */
  nextCursor: string | null;
}
