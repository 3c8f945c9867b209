import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The query of GET /scim/v2/Users (RFC 7644 §3.4.2); attributes, sorting and the like are accepted and ignored. */
export class ScimListQuery {
  /** Only `userName eq "..."`. @example "userName eq \"ada@acme.example\"" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  filter?: string;

  /** 1-based. @example "1" */
  @IsOptional()
  @IsString()
  @MaxLength(10)
  startIndex?: string;

  /** At most 100. @example "100" */
  @IsOptional()
  @IsString()
  @MaxLength(10)
  count?: string;

  /** Ignored: every attribute is returned. @example "userName" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  attributes?: string;

  /** Ignored. @example "emails" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  excludedAttributes?: string;

  /** Ignored: users come oldest first. @example "userName" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sortBy?: string;

  /** Ignored. @example "ascending" */
  @IsOptional()
  @IsString()
  @MaxLength(20)
  sortOrder?: string;
}
