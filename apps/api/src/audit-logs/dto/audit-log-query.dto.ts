import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../pagination/cursor';

export class AuditLogQuery extends PageQuery {
  /** @example "project.updated" */
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like project.created' })
  action?: string;

  /** A user, API key or system admin id. @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  @IsOptional()
  @IsUUID()
  actorId?: string;

  /** @example "project" */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  resourceType?: string;

  /** @example "6f1c2f0e-8f7b-4b8e-9a39-1c7f1f3f0a11" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  resourceId?: string;

  /** Inclusive. @example "2025-01-01T00:00:00Z" */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO-8601 date' })
  from?: Date;

  /** Exclusive. @example "2025-02-01T00:00:00Z" */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO-8601 date' })
  to?: Date;
}
