import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Public } from '@tenantry/auth';
import { AdminService } from './admin.service';
import { AdminLoginDto } from './dto/admin-login.dto';

@Controller('v1/admin/auth')
export class AdminAuthController {
  constructor(private readonly admin: AdminService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: AdminLoginDto) {
    return this.admin.login(body);
  }
}
