import { useEffect, useState, type FormEvent } from 'react';
import { unwrap } from '@tenantry/client';
import { messagesOf, once, useAction, useResource } from '../data';
import { Link, navigate, useLocation } from '../router';
import { tenantApi, tenantSession } from '../session';
import { ErrorMessage, Field, Loading } from '../ui';

/** The sign-in page's way to single sign-on. */
export const SSO_SIGN_IN_PATH = '/console/sso';
/** Where the API's single sign-on returns with its one-time code (under APP_URL, so always allowed). */
export const SSO_CALLBACK_PATH = '/console/sso-callback';

/**
 * Single sign-on from the sign-in page: the work email (the API's discovery by verified domain) or
 * the organisation's slug names the identity provider; the browser then leaves for it and comes
 * back to SSO_CALLBACK_PATH.
 */
export function SsoSignIn() {
  const { query } = useLocation();
  const [who, setWho] = useState(query.get('tenant') ?? '');
  const start = useAction(async () => {
    const value = who.trim();
    const body = value.includes('@') ? { email: value } : { tenant: value.toLowerCase() };
    const found = await unwrap(tenantApi.POST('/v1/auth/sso/discover', { body }));
    const redirect = `${window.location.origin}${SSO_CALLBACK_PATH}`;
    // A full navigation on purpose: the identity provider's pages are not ours.
    window.location.assign(`/v1/auth/sso/${encodeURIComponent(found.connectionId)}/start?redirect=${encodeURIComponent(redirect)}`);
    await new Promise(() => undefined);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start.run();
  };
  return (
    <main className="sign-in">
      <h1>Sign in with SSO</h1>
      <form onSubmit={submit} className="card stack" aria-label="Sign in with SSO">
        <Field label="Work email or organisation" value={who} onChange={setWho} required autoComplete="username" hint="Your work email (its domain names your organisation's identity provider), or your organisation's short name (slug)" errors={messagesOf(start.error).filter((message) => /^(email|tenant) /.test(message))} />
        <ErrorMessage messages={messagesOf(start.error).filter((message) => !/^(email|tenant) /.test(message))} />
        <button type="submit" className="button primary" disabled={start.isPending}>{start.isPending ? 'Opening your identity provider…' : 'Continue'}</button>
      </form>
      <p><Link to="/console/">Sign in with a password instead</Link></p>
    </main>
  );
}

/** The identity provider sent the browser back: the one-time code for a console session, then the portal. */
export function SsoCallbackPage() {
  const { query } = useLocation();
  const code = query.get('code') ?? '';
  const exchange = useResource(() => (code ? once(`sso:${code}`, () => tenantSession.startedBy(tenantApi.POST('/v1/console/auth/sso/exchange', { body: { code } }))) : Promise.reject(new Error('The sign-in link has no code: start the single sign-on again'))), [code]);
  useEffect(() => {
    if (!exchange.isLoading && !exchange.error) navigate('/console/', { replace: true });
  }, [exchange.isLoading, exchange.error]);
  useEffect(() => {
    document.title = 'Signing in with SSO · tenantry';
  }, []);
  return (
    <main className="sign-in">
      <h1>Signing in with SSO</h1>
      {exchange.error ? (
        <>
          <ErrorMessage error={exchange.error} />
          <p><a href="/console/" onClick={(event) => { event.preventDefault(); navigate('/console/'); }}>Back to sign in</a></p>
        </>
      ) : <Loading label="Signing you in…" />}
    </main>
  );
}
