import { IsEmail, IsIn, IsOptional, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '@tenantry/auth';
import { TENANT_ROLES, TenantRole, type User, type UserStatus } from '@tenantry/db';
import { ToEmail } from '../../validation';

export class CreateUserDto {
  /** @example "ada@acme.example" */
  @ToEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** @example "member" */
  @IsIn(TENANT_ROLES)
  role: TenantRole;

  /**
   * At least 10 characters, 4 of them distinct. Without one the user is invited: it exists, holds a
   * seat, and cannot log in yet.
   * @example "correct horse battery"
   */
  @IsOptional()
  @IsAcceptablePassword()
  password?: string;
}

export class UpdateUserDto {
  /** Only owners make, change or remove owners. @example "admin" */
  @IsIn(TENANT_ROLES)
  role: TenantRole;
}

/** A member of the tenant as the API answers it; password hashes never leave the database. */
export class UserResponse {
  /** @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  id: string;

  /** @example "ada@acme.example" */
  email: string;

  /** @example "member" */
  role: TenantRole;

  /** True until the user has a password: it holds a seat but cannot log in yet. @example false */
  isInvited: boolean;

  /** `deactivated`: cannot sign in and holds no seat until restored. @example "active" */
  status: UserStatus;

  createdAt: Date;

  updatedAt: Date;
}

/** One page of users, newest first; pass `nextCursor` as `cursor` for the next. */
export class UserPage {
  data: UserResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDBiN2Uy" */
  nextCursor: string | null;
}

/** The answer for one user row: what the API shows of it. */
export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    isInvited: user.passwordHash === null,
    status: user.status,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
