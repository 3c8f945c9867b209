import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { Audit } from '@tenantry/audit';
import { CurrentTenantPrincipal, RefuseImpersonation, Roles } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { PageQuery } from '../pagination/cursor';
import { CreateUserDto, UpdateUserDto, UserPage, UserResponse } from './dto/user.dto';
import { UsersService } from './users.service';

@Roles('admin')
@TenantRequests()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(@Query() query: PageQuery): Promise<UserPage> {
    return this.users.list(query);
  }

  @Audit('user.created')
  @RefuseImpersonation('an owner or a password set by an impersonator outlives the impersonation', (body) => body.role === 'owner' || body.password !== undefined)
  @ApiCreatedResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'A user with this email exists' })
  @Post()
  create(@CurrentTenantPrincipal() actor: TenantPrincipal, @Body() body: CreateUserDto): Promise<UserResponse> {
    return this.users.create(actor, body);
  }

  @Audit('user.role_changed')
  @RefuseImpersonation('an owner made by an impersonator outlives the impersonation', (body) => body.role === 'owner')
  @ApiOkResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'The last owner cannot be demoted' })
  @Patch(':id')
  update(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto): Promise<UserResponse> {
    return this.users.update(actor, id, body);
  }

  @Audit('user.deactivated')
  @ApiOkResponse({ type: UserResponse, description: 'Deactivated: cannot sign in, sessions revoked, seat freed' })
  @ApiConflictResponse({ description: 'The last owner cannot be deactivated' })
  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<UserResponse> {
    return this.users.deactivate(actor, id);
  }

  @Audit('user.restored')
  @ApiOkResponse({ type: UserResponse, description: 'Active again; takes a seat' })
  @Post(':id/restore')
  @HttpCode(200)
  restore(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<UserResponse> {
    return this.users.restore(actor, id);
  }

  @Audit('user.removed')
  @ApiConflictResponse({ description: 'The last owner cannot be removed' })
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentTenantPrincipal() actor: TenantPrincipal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.remove(actor, id);
  }
}
