import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentTenantPrincipal, Public } from '@tenantry/auth';
import type { TenantPrincipal } from '@tenantry/tenancy';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';

@Controller('v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: Request) {
    return this.auth.login(body, request.headers.host);
  }

  @Get('me')
  me(@CurrentTenantPrincipal() principal: TenantPrincipal) {
    return this.auth.me(principal);
  }
}
