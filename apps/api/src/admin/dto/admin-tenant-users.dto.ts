import { IsOptional, IsString, MaxLength } from 'class-validator';
import { TENANT_ROLES, USER_STATUSES, type TenantRole, type UserStatus } from '@tenantry/db';
import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '../../pagination/cursor';
import { Trim } from '../../validation';

export class ListTenantUsersQuery extends PageQuery {
  /** Case-insensitive match on the email. @example "ada@" */
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(254)
  q?: string;
}

/** A user of a tenant as an operator picks one (to impersonate). */
export class TenantUserSummary {
  /** @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  id: string;

  /** @example "ada@acme.example" */
  email: string;

  @ApiProperty({ enum: TENANT_ROLES, example: 'admin' })
  role: TenantRole;

  @ApiProperty({ enum: USER_STATUSES, example: 'active' })
  status: UserStatus;

  createdAt: Date;
}

/** One page of a tenant's users, newest first. */
export class TenantUserPage {
  data: TenantUserSummary[];

  /** Null on the last page. @example null */
  nextCursor: string | null;
}
