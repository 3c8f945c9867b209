import { Controller, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NoAudit } from '@tenantry/audit';
import { CurrentSystemAdmin, SystemAdminOnly, TokenService } from '@tenantry/auth';
import { AppConfig } from '@tenantry/config';
import type { SystemAdminPrincipal } from '@tenantry/tenancy';
import { TenantRequests } from '@tenantry/tenancy';
import { QUEUE_DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH, QUEUE_DASHBOARD_SESSION_MAX_TTL } from './queue-dashboard-auth';
import { QueueDashboardSession } from './queue-dashboard.dto';

/** Hands a system admin the short-lived cookie a browser needs to open the queue dashboard. */
@SystemAdminOnly()
@TenantRequests()
@Controller('v1/admin/queues')
export class QueueDashboardController {
  private readonly logger = new Logger('QueueDashboard');

  constructor(
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  @NoAudit('opens a queue dashboard session; changes no tenant data')
  @Post('session')
  @HttpCode(200)
  async openSession(
    @CurrentSystemAdmin() admin: SystemAdminPrincipal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<QueueDashboardSession> {
    const ttl = Math.min(QUEUE_DASHBOARD_SESSION_MAX_TTL, this.config.get('ACCESS_TOKEN_TTL'));
    const { accessToken } = await this.tokens.issueQueueDashboardSession(admin.adminId, admin.sessionId, ttl);
    response.cookie(QUEUE_DASHBOARD_COOKIE, accessToken, {
      httpOnly: true,
      sameSite: 'strict',
      path: QUEUE_DASHBOARD_PATH,
      maxAge: ttl * 1000,
      secure: request.secure || this.config.isProduction,
    });
    this.logger.log(`system admin ${admin.adminId} opened a queue dashboard session`);
    return { path: QUEUE_DASHBOARD_PATH, expiresIn: ttl };
  }
}
