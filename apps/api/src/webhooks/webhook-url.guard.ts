import { BadRequestException, CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RefusedWebhookAddressError, WebhookAddressPolicy } from '@tenantry/webhooks';

/**
 * Resolves the `url` of a webhook body and refuses (400) a name that resolves to an address the
 * policy refuses. A guard, because guards run before the request's tenant transaction opens: the
 * DNS lookup never holds a database connection. A name that does not resolve yet is let through
 * (every delivery resolves and checks again on connect); the body is validated after this.
 */
@Injectable()
export class WebhookUrlGuard implements CanActivate {
  constructor(private readonly policy: WebhookAddressPolicy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const body = context.switchToHttp().getRequest<Request>().body as { url?: unknown } | undefined;
    if (typeof body?.url !== 'string') return true;
    const problem = this.policy.urlProblem(body.url.trim());
    if (problem) throw new BadRequestException(problem);
    try {
      await this.policy.resolveAllowed(new URL(body.url.trim()).hostname);
    } catch (error) {
      if (error instanceof RefusedWebhookAddressError) throw new BadRequestException(`url: ${error.message}`);
    }
    return true;
  }
}
