import { GoneException, NotFoundException } from '@nestjs/common';
import type { AccountToken } from '@tenantry/db';

/** 404 for a token that never was (or of another tenant or purpose), 410 for a used or expired one. */
export function assertUsable(token: AccountToken | undefined, what: string): asserts token is AccountToken {
  if (!token) throw new NotFoundException(`This ${what} link is not valid`);
  if (token.usedAt) throw new GoneException(`This ${what} link has already been used`);
  if (token.expiresAt.getTime() <= Date.now()) throw new GoneException(`This ${what} link has expired; ask for a new one`);
}
