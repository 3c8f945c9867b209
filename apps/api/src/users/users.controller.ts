import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { CurrentTenantPrincipal, Roles } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@Roles('admin')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(@Query() query: PageQuery) {
    return this.users.list(query);
  }

  @Audit('user.created')
  @ApiConflictResponse({ description: 'A user with this email exists' })
  @Post()
  create(@CurrentTenantPrincipal() actor: TenantPrincipal, @Body() body: CreateUserDto) {
    return this.users.create(actor, body);
  }

  @Audit('user.role_changed')
  @ApiConflictResponse({ description: 'The last owner cannot be demoted' })
  @Patch(':id')
  update(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto) {
    return this.users.update(actor, id, body);
  }

  @Audit('user.removed')
  @ApiConflictResponse({ description: 'The last owner cannot be removed' })
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.remove(actor, id);
  }
}
