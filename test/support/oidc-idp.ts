import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TestIdpClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

export interface TestOidcIdp {
  issuer: string;
  /** The account the next login at this IdP signs in as. */
  nextLogin(sub: string, claims: { email?: string; email_verified?: boolean; name?: string }): Promise<void>;
  /**
   * Plays the browser: follows the IdP's redirects from an authorization URL (cookies kept)
   * until they leave the IdP, and returns that last Location (the app's callback).
   */
  authorize(authorizationUrl: string): Promise<URL>;
  stop(): Promise<void>;
}

/** Starts the OpenID Provider of test/support/oidc-idp-server.mjs on a free loopback port. */
export async function startOidcIdp(clients: TestIdpClient[]): Promise<TestOidcIdp> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-idp-server.mjs')], {
    env: { ...process.env, IDP_CLIENTS: JSON.stringify(clients), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => { throw new Error('the test IdP exited'); })])) as [string];
  const { issuer } = JSON.parse(first) as { issuer: string };

  return {
    issuer,
    async nextLogin(sub, claims) {
      const response = await fetch(`${issuer}/__next-login`, { method: 'POST', body: JSON.stringify({ sub, claims }) });
      if (response.status !== 204) throw new Error(`nextLogin: ${response.status}`);
    },
    async authorize(authorizationUrl) {
      const cookies = new Map<string, string>();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop += 1) {
        const response = await fetch(url, {
          redirect: 'manual',
          headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
        });
        for (const cookie of response.headers.getSetCookie()) {
          const [pair] = cookie.split(';');
          const [name, ...value] = pair!.split('=');
          cookies.set(name!.trim(), value.join('='));
        }
        const location = response.headers.get('location');
        if (!location) throw new Error(`the IdP answered ${response.status} without a redirect: ${await response.text()}`);
        url = new URL(location, url);
        if (url.origin !== new URL(issuer).origin) return url;
      }
      throw new Error('the IdP redirected too often');
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
