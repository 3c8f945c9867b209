import { useEffect, useState, type FormEvent } from 'react';
import { unwrap } from '@tenantry/client';
import { useAction } from '../data';
import { Link, matchPath, navigate, useLocation } from '../router';
import { MfaStep } from '../mfa-step';
import { adminApi, adminSession, useSession, type MfaChallenge } from '../session';
import { Button, ErrorMessage, Field, Loading } from '../ui';
import { ResetPasswordPage } from '../portal/account-pages';
import { FailedJobsPage } from './failed-jobs-page';
import { PlansPage } from './plans-page';
import { TenantPage } from './tenant-page';
import { TenantsPage } from './tenants-page';

export const adminPath = (rest = '') => `/console/admin/${rest}`;

function AdminSignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<MfaChallenge>();
  const signIn = useAction(async () => setChallenge(await adminSession.signIn({ email, password })));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run();
  };
  if (challenge) return <MfaStep session={adminSession} challenge={challenge} onCancel={() => { setPassword(''); setChallenge(undefined); }} />;
  return (
    <main className="sign-in">
      <h1>System admin sign in</h1>
      <form onSubmit={submit} className="card stack">
        <Field label="Email" type="email" value={email} onChange={setEmail} required autoComplete="username" />
        <Field label="Password" type="password" value={password} onChange={setPassword} required autoComplete="current-password" />
        <ErrorMessage error={signIn.error} />
        <button type="submit" className="button primary" disabled={signIn.isPending}>{signIn.isPending ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p><a href="/console/admin/reset-password">Forgot your password?</a> · <a href="/console/">Tenant sign in</a></p>
    </main>
  );
}

function QueueDashboardButton() {
  const open = useAction(async () => {
    const session = await unwrap(adminApi.POST('/v1/admin/queues/session'));
    window.open(session.path, '_blank', 'noopener');
  });
  return (
    <>
      <Button variant="secondary" onClick={() => void open.run()}>Queue dashboard</Button>
      <ErrorMessage error={open.error} />
    </>
  );
}

function AdminRoutes() {
  const { path } = useLocation();
  const tenant = matchPath('/console/admin/tenants/:id', path);
  if (tenant) return <TenantPage id={tenant.id!} />;
  if (matchPath('/console/admin/plans', path)) return <PlansPage />;
  if (matchPath('/console/admin/jobs', path)) return <FailedJobsPage />;
  return <TenantsPage />;
}

/** The system-admin console: sign in, then tenants, plans and failed jobs. */
export function AdminConsole() {
  const session = useSession(adminSession);
  const { path } = useLocation();
  useEffect(() => {
    document.title = 'tenantry admin console';
    document.documentElement.style.removeProperty('--primary');
    void adminSession.restore();
  }, []);
  if (path === '/console/admin/reset-password') return <ResetPasswordPage isAdmin />;
  if (!session.isRestored) return <main><Loading label="Signing in…" /></main>;
  if (!session.accessToken) return <AdminSignIn />;
  return (
    <>
      <a href="#main" className="skip-link">Skip to content</a>
      <header className="topbar">
        <span className="brand">tenantry admin</span>
        <nav aria-label="Admin">
          <Link to={adminPath('tenants')}>Tenants</Link>
          <Link to={adminPath('plans')}>Plans</Link>
          <Link to={adminPath('jobs')}>Failed jobs</Link>
        </nav>
        <div className="topbar-actions">
          <QueueDashboardButton />
          <Button variant="secondary" onClick={() => void adminSession.signOut().then(() => navigate(adminPath(), { replace: true }))}>Sign out</Button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <AdminRoutes />
      </main>
    </>
  );
}
