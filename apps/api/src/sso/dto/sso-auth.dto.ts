import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** Where to sign in: by the email's verified domain, or by the organisation's slug (one of the two). */
export class DiscoverDto {
  /** @example "ada@acme.example" */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  @MaxLength(254)
  email?: string;

  /** The organisation's slug, instead of an email: its first enabled connection. @example "acme" */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @Matches(/^[a-z0-9-]{1,63}$/, { message: 'tenant must be an organisation slug' })
  tenant?: string;
}

/** Home-realm discovery: where this email signs in. */
export class DiscoveredTenant {
  /** @example "acme" */
  slug: string;
}

export class DiscoverResponse {
  tenant: DiscoveredTenant;

  /** Start the sign-in at GET /v1/auth/sso/{connectionId}/start. @example "7f3e2d1c-0b9a-4876-8543-210fedcba987" */
  connectionId: string;
}

export class StartQuery {
  /** Where to return with the one-time code: APP_URL or one of the connection's redirect URLs. @example "https://app.acme.example/sso/done" */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  redirect?: string;
}

export class OidcCallbackQuery {
  /** @example "SplxlOBeZQQYbYS6WxSbIA" */
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  code?: string;

  /** @example "af0ifjsldkj" */
  @IsString()
  @MaxLength(200)
  state: string;

  /** RFC 9207: the issuer of this response. @example "https://acme.okta.com" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  iss?: string;

  /** @example "access_denied" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  error?: string;

  /** @example "The user cancelled" */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  error_description?: string;

  /** @example "openid email" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  scope?: string;

  /** @example "1f3e..." */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  session_state?: string;
}

export class ExchangeDto {
  /** The one-time `code` of the redirect (60 s, single use). @example "3q2-7wEAAAAbNmDhcQ4kTg..." */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  code: string;
}

/** The IdP's HTTP-POST to the Assertion Consumer Service (a form, as the SAML binding posts it). */
export class SamlAcsDto {
  /** The base64 SAML Response. @example "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoyLjA6cHJvdG9jb2wiIC4uLg==" */
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  SAMLResponse: string;

  /** The RelayState the start sent to the IdP. @example "3q2-7wEAAAAbNmDhcQ4kTg..." */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  RelayState?: string;
}
