import { ForbiddenException, Injectable } from '@nestjs/common';
import { AuditWriter } from '@tenantry/audit';
import type { SsoConnection, User } from '@tenantry/db';
import { CountedLimits } from '@tenantry/plans';
import { domainOfEmail } from '../domains/domain-name';
import { DomainsRepository } from '../domains/domains.repository';
import { SsoUsersRepository } from './sso-users.repository';

const DEACTIVATED = 'This account is deactivated';

export interface AssertedIdentity {
  subject: string;
  email?: string;
  emailVerified: boolean;
}

/**
 * Who an identity provider's answer signs in, inside the tenant transaction:
 * 1. a known (connection, subject) signs in its user;
 * 2. else an existing user of that email is linked only when the IdP asserts the email verified
 *    and the tenant has verified the email's domain (otherwise anyone who controls an IdP could
 *    take over an account by claiming its address);
 * 3. else a new user is provisioned with the connection's default role, counted against seats.
 */
@Injectable()
export class SsoProvisioningService {
  constructor(
    private readonly users: SsoUsersRepository,
    private readonly domains: DomainsRepository,
    private readonly countedLimits: CountedLimits,
    private readonly audit: AuditWriter,
  ) {}

  async signIn(connection: SsoConnection, identity: AssertedIdentity): Promise<User> {
    const known = await this.users.findIdentity(connection.id, identity.subject);
    if (known) {
      const user = await this.users.findUser(known.userId);
      if (!user) throw new ForbiddenException('This account no longer exists');
      if (user.status !== 'active') throw new ForbiddenException(DEACTIVATED);
      await this.users.touchIdentity(known.id);
      await this.record('auth.sso_login', user, connection);
      return user;
    }
    if (!identity.email) throw new ForbiddenException('The identity provider did not send an email address');
    const domain = domainOfEmail(identity.email);
    if (!domain) throw new ForbiddenException('The identity provider sent an email address that is not valid');
    if (connection.allowedDomains.length > 0 && !connection.allowedDomains.includes(domain)) {
      throw new ForbiddenException(`This connection does not sign in addresses at ${domain}`);
    }
    const existing = await this.users.findUserByEmail(identity.email);
    if (existing) {
      if (existing.status !== 'active') throw new ForbiddenException(DEACTIVATED);
      if (!identity.emailVerified || !(await this.domains.isVerified(domain))) {
        throw new ForbiddenException(
          'An account with this email exists; it is linked only when the identity provider asserts the email as verified and this tenant has verified its domain',
        );
      }
      await this.users.createIdentity({ connectionId: connection.id, subject: identity.subject, userId: existing.id, email: identity.email });
      await this.record('sso.identity_linked', existing, connection);
      return existing;
    }
    await this.countedLimits.assertAvailable('seats', () => this.users.countUsers());
    const user = await this.users.createUser(identity.email, connection.defaultRole);
    await this.users.createIdentity({ connectionId: connection.id, subject: identity.subject, userId: user.id, email: identity.email });
    await this.record('user.provisioned', user, connection, { email: user.email, role: user.role });
    return user;
  }

  private record(action: string, user: User, connection: SsoConnection, after: Record<string, unknown> = {}) {
    return this.audit.write({
      action,
      resourceType: 'user',
      resourceId: user.id,
      changes: { after: { ...after, connectionId: connection.id } },
      actor: { type: 'user', id: user.id },
    });
  }
}
