import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** Names the tenant manages itself; names with `:` belong to a capability (SSO, webhooks) and are managed by it. */
export const TENANT_SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export class SecretNameParam {
  /** Letters, digits, `_`, `.` and `-`, at most 128. @example "stripe.api_key" */
  @Matches(TENANT_SECRET_NAME, { message: 'name must be 1-128 letters, digits, "_", "." or "-", starting with a letter or digit' })
  name: string;
}

export class PutSecretDto {
  /** The value; stored encrypted, never shown again. @example "sk_live_51H8..." */
  @IsString()
  @MinLength(1)
  @MaxLength(16384)
  value: string;
}

/** A stored secret: its name and when it was stored, never its value. */
export class SecretResponse {
  /** @example "stripe.api_key" */
  name: string;

  createdAt: Date;

  /** When the value was last replaced. */
  updatedAt: Date;
}

/** One page of secrets, sorted by name; pass `nextCursor` as `cursor` for the next. */
export class SecretPage {
  data: SecretResponse[];

  /** Null on the last page. @example "c3RyaXBlLmFwaV9rZXk" */
  nextCursor: string | null;
}
