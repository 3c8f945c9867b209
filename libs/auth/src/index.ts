/**
 * Authentication and access: JWT signing and verification, the global guards, the @Public,
 * @Roles and @SystemAdminOnly decorators, and argon2 password hashing.
 */
export * from './access.guard';
export { AccessTokenVerifier, bearerCredential, principalFromAccessClaims } from './jwt.strategy';
export * from './api-key.authenticator';
export * from './auth.module';
export * from './authentication.guard';
export * from './decorators';
export * from './password-policy';
export * from './passwords';
export * from './secrets';
export * from './roles';
export * from './scim-token.authenticator';
export * from './token-claims';
export * from './token.service';
