import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { UUID_PATTERN } from '@tenantry/tenancy';

/** `?limit=1..100` of a list that is not paged (a cursor is refused, not ignored). */
export class LimitQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Rows per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

/** `?limit=1..100&cursor=` of every paged list. */
export class PageQuery extends LimitQuery {
  @ApiPropertyOptional({ maxLength: 200, description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Position after the last row of a page: (created_at, id), newest first. */
export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const date = typeof createdAt === 'string' ? new Date(createdAt) : new Date(NaN);
    if (!Number.isNaN(date.getTime()) && typeof id === 'string' && UUID_PATTERN.test(id)) return { createdAt: date, id };
  } catch {
    // fall through to the 400 below
  }
  throw new BadRequestException('cursor is not valid');
}

/**
 * The keyset condition "strictly after this position" in newest-first order, i.e.
 * (created, id) < (position): one row comparison the (tenant_id, created, id) indexes serve.
 */
export function afterPosition(created: AnyPgColumn, id: AnyPgColumn, position: KeysetPosition | undefined): SQL | undefined {
  return position ? sql`(${created}, ${id}) < (${position.createdAt.toISOString()}::timestamptz, ${position.id}::uuid)` : undefined;
}

/** afterPosition for a prepared query: the position comes as the `afterCreatedAt`, `afterId` placeholders. */
export function afterPlaceholders(created: AnyPgColumn, id: AnyPgColumn): SQL {
  return sql`(${created}, ${id}) < (${sql.placeholder('afterCreatedAt')}::timestamptz, ${sql.placeholder('afterId')}::uuid)`;
}

/** The placeholder values of afterPlaceholders. */
export const afterValues = (position: KeysetPosition) => ({ afterCreatedAt: position.createdAt.toISOString(), afterId: position.id });

/** Builds a page from limit + 1 rows: the extra row only says whether there is a next page. */
export function toPage<T extends KeysetPosition, R>(rows: T[], limit: number, present: (row: T) => R): Page<R> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { data: pageRows.map(present), nextCursor: hasMore && last ? encodeCursor(last) : null };
}
