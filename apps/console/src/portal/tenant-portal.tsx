import { useEffect, useState, type FormEvent } from 'react';
import { unwrap } from '@tenantry/client';
import { useAction, useResource } from '../data';
import { Link, matchPath, navigate, useLocation } from '../router';
import { tenantApi, tenantSession, useSession } from '../session';
import { Button, ErrorMessage, Field, Loading } from '../ui';
import { MfaStep } from '../mfa-step';
import type { MfaChallenge } from '../session';
import { AcceptInvitationPage, ResetPasswordPage, SignupPage, VerifyEmailPage } from './account-pages';
import { SSO_CALLBACK_PATH, SSO_SIGN_IN_PATH, SsoCallbackPage, SsoSignIn } from './sso-sign-in';
import { ApiKeysPage } from './api-keys-page';
import { AuditPage } from './audit-page';
import { HomePage } from './home-page';
import { MembersPage } from './members-page';
import { isAtLeast, PortalContext, type Portal } from './portal-context';
import { ProjectPage, ProjectsPage } from './projects-page';
import { SettingsPage } from './settings-page';

export const portalPath = (rest = '') => `/console/${rest}`;

function PortalSignIn() {
  const { query } = useLocation();
  const [tenant, setTenant] = useState(query.get('tenant') ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<MfaChallenge>();
  const signIn = useAction(async () => setChallenge(await tenantSession.signIn({ tenant, email, password })));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run();
  };
  if (challenge) return <MfaStep session={tenantSession} challenge={challenge} onCancel={() => { setPassword(''); setChallenge(undefined); }} />;
  return (
    <main className="sign-in">
      <h1>Sign in to your organisation</h1>
      <form onSubmit={submit} className="card stack">
        <Field label="Organisation" value={tenant} onChange={setTenant} required autoComplete="organization" hint="Your organisation's short name (slug)" />
        <Field label="Email" type="email" value={email} onChange={setEmail} required autoComplete="username" />
        <Field label="Password" type="password" value={password} onChange={setPassword} required autoComplete="current-password" />
        <ErrorMessage error={signIn.error} />
        <button type="submit" className="button primary" disabled={signIn.isPending}>{signIn.isPending ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p><Link to={SSO_SIGN_IN_PATH} className="button secondary">Sign in with SSO</Link></p>
      <p><a href="/console/reset-password">Forgot your password?</a> · <a href="/console/signup">Create an organisation</a> · <a href="/console/admin/">System admin sign in</a></p>
    </main>
  );
}

function PortalRoutes({ portal }: { portal: Portal }) {
  const { path } = useLocation();
  const project = matchPath('/console/projects/:id', path);
  if (project) return <ProjectPage id={project.id!} />;
  if (matchPath('/console/projects', path)) return <ProjectsPage />;
  const isAdmin = isAtLeast(portal.role, 'admin');
  if (isAdmin && matchPath('/console/members', path)) return <MembersPage />;
  if (isAdmin && matchPath('/console/api-keys', path)) return <ApiKeysPage />;
  if (isAdmin && matchPath('/console/audit', path)) return <AuditPage />;
  if (matchPath('/console/settings', path)) return <SettingsPage />;
  return <HomePage />;
}

/** Applies the tenant's branding to the portal itself: primary colour, name in the title. */
function useBranding(portal: Portal | undefined) {
  const colour = portal?.tenant.settings.branding?.primaryColor;
  const name = portal?.tenant.settings.branding?.displayName ?? portal?.tenant.name;
  useEffect(() => {
    const root = document.documentElement.style;
    if (colour && /^#[0-9a-fA-F]{3,8}$/.test(colour)) root.setProperty('--primary', colour);
    else root.removeProperty('--primary');
    document.title = name ? `${name} · tenantry` : 'tenantry';
  }, [colour, name]);
}

function SignedInPortal() {
  const session = useSession(tenantSession);
  const tenant = useResource(() => unwrap(tenantApi.GET('/v1/tenant')), [session.accessToken]);
  const me = useResource(() => unwrap(tenantApi.GET('/v1/me')), [session.accessToken]);
  const portal: Portal | undefined =
    tenant.data && me.data
      ? {
          tenant: tenant.data,
          me: me.data,
          role: me.data.user?.role ?? me.data.apiKey?.role ?? 'viewer',
          timeZone: tenant.data.settings.timezone ?? 'UTC',
          locale: tenant.data.settings.locale ?? 'en',
          reload: tenant.reload,
        }
      : undefined;
  useBranding(portal);
  const error = tenant.error ?? me.error;
  if (!portal) return <main>{error ? <><h1>Could not open the portal</h1><ErrorMessage error={error} /><Button onClick={() => void tenantSession.signOut()}>Sign out</Button></> : <Loading label="Loading your organisation…" />}</main>;
  const branding = portal.tenant.settings.branding;
  const isAdmin = isAtLeast(portal.role, 'admin');
  const impersonation = session.impersonation;
  const signOut = () => {
    if (impersonation) {
      void tenantSession.signOut().then(() => navigate(`/console/admin/tenants/${impersonation.tenantId}`));
    } else {
      void tenantSession.signOut().then(() => navigate(portalPath(), { replace: true }));
    }
  };
  return (
    <PortalContext.Provider value={portal}>
      <a href="#main" className="skip-link">Skip to content</a>
      {impersonation && (
        <div className="impersonation" role="region" aria-label="Impersonation notice">
          <span>You are impersonating {impersonation.userEmail} in {impersonation.tenantName}. Every action is audited in your name.</span>
          <Button variant="secondary" onClick={signOut}>Return to admin console</Button>
        </div>
      )}
      <header className="topbar">
        <span className="brand">
          {branding?.logoUrl && <img src={branding.logoUrl} alt="" className="logo" />}
          {branding?.displayName ?? portal.tenant.name}
        </span>
        <nav aria-label="Portal">
          <Link to={portalPath()}>Home</Link>
          <Link to={portalPath('projects')}>Projects</Link>
          {isAdmin && <Link to={portalPath('members')}>Members</Link>}
          {isAdmin && <Link to={portalPath('api-keys')}>API keys</Link>}
          {isAdmin && <Link to={portalPath('audit')}>Audit log</Link>}
          <Link to={portalPath('settings')}>Settings</Link>
        </nav>
        <div className="topbar-actions">
          <span className="muted">{portal.me.user?.email} ({portal.role})</span>
          {!impersonation && <Button variant="secondary" onClick={signOut}>Sign out</Button>}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <PortalRoutes portal={portal} />
      </main>
    </PortalContext.Provider>
  );
}

/** The tenant portal at /console/: sign in, then the organisation's pages. */
export function TenantPortal() {
  const session = useSession(tenantSession);
  const { path } = useLocation();
  useEffect(() => {
    void tenantSession.restore();
  }, []);
  // The pages of the mailed links and of signing up need no session.
  if (path === '/console/signup') return <SignupPage />;
  if (path === '/console/verify-email') return <VerifyEmailPage />;
  if (path === '/console/accept-invitation') return <AcceptInvitationPage />;
  if (path === '/console/reset-password') return <ResetPasswordPage />;
  if (path === SSO_SIGN_IN_PATH && !session.accessToken) return <SsoSignIn />;
  if (path === SSO_CALLBACK_PATH) return <SsoCallbackPage />;
  if (!session.isRestored) return <main><Loading label="Signing in…" /></main>;
  if (!session.accessToken) return <PortalSignIn />;
  return <SignedInPortal />;
}
