import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { unwrap } from '@tenantry/client';
import { messagesOf, once, useAction, useResource } from '../data';
import { formatDateTime } from '../lib/dates';
import { navigate, useLocation } from '../router';
import { tenantApi, tenantSession } from '../session';
import { ErrorMessage, Field, Loading } from '../ui';

function AccountPage({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · tenantry`;
  }, [title]);
  return (
    <main className="sign-in">
      <h1>{title}</h1>
      {children}
      <p><a href="/console/" onClick={(event) => { event.preventDefault(); navigate('/console/'); }}>Back to sign in</a></p>
    </main>
  );
}

const at = (messages: string[], field: string) => messages.filter((message) => message.startsWith(field));

/** Self-service signup: a new organisation and its owner, who must verify the email first. */
export function SignupPage() {
  const [form, setForm] = useState({ tenantName: '', slug: '', email: '', password: '' });
  const [done, setDone] = useState<string>();
  const signup = useAction(async () => {
    const created = await unwrap(tenantApi.POST('/v1/signup', { body: form }));
    setDone(created.user.email);
  });
  const messages = messagesOf(signup.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signup.run();
  };
  if (done) return <AccountPage title="Check your email"><p role="status">We sent a verification link to {done}. Open it to finish signing up.</p></AccountPage>;
  return (
    <AccountPage title="Create your organisation">
      <form className="card stack" onSubmit={submit}>
        <Field label="Organisation name" value={form.tenantName} onChange={(tenantName) => setForm({ ...form, tenantName })} required errors={at(messages, 'tenantName')} />
        <Field label="Organisation short name" value={form.slug} onChange={(slug) => setForm({ ...form, slug })} required hint="Lower-case letters, digits and hyphens; you sign in with it" errors={at(messages, 'slug')} />
        <Field label="Your email" type="email" value={form.email} onChange={(email) => setForm({ ...form, email })} required autoComplete="email" errors={at(messages, 'email')} />
        <Field label="Choose a password" type="password" value={form.password} onChange={(password) => setForm({ ...form, password })} required autoComplete="new-password" hint="At least 10 characters" errors={at(messages, 'password')} />
        <ErrorMessage messages={messages.filter((message) => !/^(tenantName|slug|email|password)/.test(message))} />
        <button type="submit" className="button primary" disabled={signup.isPending}>Create organisation</button>
      </form>
    </AccountPage>
  );
}

/** The link of the verification mail: verifies at once, and offers a new link when it expired. */
export function VerifyEmailPage() {
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const verified = useResource(() => once(`verify:${token}`, () => unwrap(tenantApi.POST('/v1/auth/verify-email', { body: { token } }))), [token]);
  return (
    <AccountPage title="Verify your email">
      {verified.isLoading ? <Loading label="Verifying…" /> : verified.data ? (
        <p role="status" className="success">{verified.data.email} is verified. You can sign in now.</p>
      ) : <ErrorMessage error={verified.error} />}
    </AccountPage>
  );
}

/** The link of an invitation: who invites whom, a password, then straight into the portal. */
export function AcceptInvitationPage() {
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const preview = useResource(() => unwrap(tenantApi.GET('/v1/auth/invitations/{token}', { params: { path: { token } } })), [token]);
  const [password, setPassword] = useState('');
  const accept = useAction(async () => {
    // The console's own acceptance: the same invitation, answered with the cookie session.
    await tenantSession.startedBy(tenantApi.POST('/v1/console/auth/invitations/accept', { body: { token, password } }));
    navigate('/console/', { replace: true });
  });
  const messages = messagesOf(accept.error);
  if (preview.isLoading) return <AccountPage title="Accept the invitation"><Loading /></AccountPage>;
  if (!preview.data) return <AccountPage title="Accept the invitation"><ErrorMessage error={preview.error} /></AccountPage>;
  return (
    <AccountPage title={`Join ${preview.data.tenant.name}`}>
      <p>You are invited as <strong>{preview.data.role}</strong> with {preview.data.email}. The invitation expires {formatDateTime(preview.data.expiresAt)}.</p>
      <form className="card stack" onSubmit={(event) => { event.preventDefault(); void accept.run(); }}>
        <Field label="Choose a password" type="password" value={password} onChange={setPassword} required autoComplete="new-password" hint="At least 10 characters" errors={at(messages, 'password')} />
        <ErrorMessage messages={messages.filter((message) => !message.startsWith('password'))} />
        <button type="submit" className="button primary" disabled={accept.isPending}>Accept and sign in</button>
      </form>
    </AccountPage>
  );
}

/** Password reset: without a token, ask for the mail; with the mail's token, set the new password. */
export function ResetPasswordPage({ isAdmin = false }: { isAdmin?: boolean }) {
  const { query } = useLocation();
  const token = query.get('token');
  const [tenant, setTenant] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<string>();
  const request = useAction(async () => {
    if (isAdmin) await unwrap(tenantApi.POST('/v1/admin/auth/password-reset', { body: { email } }));
    else await unwrap(tenantApi.POST('/v1/auth/password-reset', { body: { tenant, email } }));
    setDone(`If ${email} has an account, a reset link is on its way.`);
  });
  const confirm = useAction(async () => {
    const body = { token: token!, password };
    if (isAdmin) await unwrap(tenantApi.POST('/v1/admin/auth/password-reset/confirm', { body }));
    else await unwrap(tenantApi.POST('/v1/auth/password-reset/confirm', { body }));
    setDone('Your password is changed. Sign in with it.');
  });
  if (done) return <AccountPage title="Reset your password"><p role="status" className="success">{done}</p></AccountPage>;
  if (token) {
    const messages = messagesOf(confirm.error);
    return (
      <AccountPage title="Choose a new password">
        <form className="card stack" onSubmit={(event) => { event.preventDefault(); void confirm.run(); }}>
          <Field label="New password" type="password" value={password} onChange={setPassword} required autoComplete="new-password" errors={at(messages, 'password')} />
          <ErrorMessage messages={messages.filter((message) => !message.startsWith('password'))} />
          <button type="submit" className="button primary" disabled={confirm.isPending}>Set password</button>
        </form>
      </AccountPage>
    );
  }
  return (
    <AccountPage title="Reset your password">
      <form className="card stack" onSubmit={(event) => { event.preventDefault(); void request.run(); }}>
        {!isAdmin && <Field label="Organisation" value={tenant} onChange={setTenant} required />}
        <Field label="Email" type="email" value={email} onChange={setEmail} required autoComplete="username" />
        <ErrorMessage error={request.error} />
        <button type="submit" className="button primary" disabled={request.isPending}>Send reset link</button>
      </form>
    </AccountPage>
  );
}
