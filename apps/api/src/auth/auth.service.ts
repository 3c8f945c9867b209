import { BadRequestException, ForbiddenException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { AppConfig } from '@tenantry/config';
import { TokenPair, TokenService, verifyPassword } from '@tenantry/auth';
import { slugFromHost, TenantDirectoryRepository, TenantPrincipal, TenantTransaction } from '@tenantry/tenancy';
import { LoginDto } from './dto/login.dto';
import { UsersAuthRepository } from './users-auth.repository';

const INVALID_CREDENTIALS = 'Invalid credentials';

@Injectable()
export class AuthService {
  constructor(
    private readonly directory: TenantDirectoryRepository,
    private readonly tenantTransaction: TenantTransaction,
    private readonly usersRepository: UsersAuthRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  /**
   * One answer for an unknown tenant, an unknown email and a wrong password, and the same work
   * (one argon2 verification) for each, so neither the body nor the timing tells them apart.
   */
  async login(input: LoginDto, host: string | undefined): Promise<TokenPair> {
    const hostSlug = slugFromHost(host, this.config.get('BASE_DOMAIN'));
    if (input.tenant && hostSlug && input.tenant !== hostSlug) {
      throw new BadRequestException('tenant does not match the host');
    }
    const slug = input.tenant ?? hostSlug;
    if (!slug) throw new BadRequestException('tenant is required (in the body or as the host name)');

    const tenant = await this.directory.findBySlug(slug);
    // The hash is read in a short tenant transaction; argon2 runs after it, outside any transaction.
    const user = tenant
      ? await this.tenantTransaction.run({ tenantId: tenant.id }, () => this.usersRepository.findByEmail(input.email))
      : undefined;
    const isValid = await verifyPassword(user?.passwordHash, input.password);
    if (!tenant || !user || !isValid) throw new UnauthorizedException(INVALID_CREDENTIALS);
    // Only a caller who knows a valid password learns that the tenant is not active.
    if (tenant.status !== 'active') throw new ForbiddenException(`Tenant is ${tenant.status}`);
    return this.tokens.issueTenantAccess(user);
  }

  async me(principal: TenantPrincipal) {
    const [user, tenant] = await Promise.all([
      this.usersRepository.findById(principal.subjectId),
      this.directory.current(),
    ]);
    if (!user || !tenant) throw new NotFoundException('User not found');
    return { user, tenant };
  }
}
