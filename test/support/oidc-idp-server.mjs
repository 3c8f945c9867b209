// An OpenID Provider (oidc-provider, the certified implementation) for the SSO tests, run by
// test/support/oidc-idp.ts as a child process because the library is ESM-only. It signs real ID
// tokens with its own keys, serves discovery and JWKS, and logs in whichever account the test
// chose last (POST /__next-login {sub, claims}), so no login form has to be driven.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const clients = JSON.parse(process.env.IDP_CLIENTS ?? '[]');
const accounts = new Map();
let nextLogin;

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  findAccount: async (_ctx, id) => accounts.has(id) && { accountId: id, claims: async () => ({ sub: id, ...accounts.get(id) }) },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ['oidc-idp-test-cookie-key'] },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AuthorizationCode: 60, IdToken: 300, AccessToken: 300, Interaction: 300, Session: 600, Grant: 600 },
});
provider.on('server_error', (_ctx, error) => console.error('idp server_error', error));

const readJson = (req) =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(JSON.parse(body || '{}')));
    req.on('error', reject);
  });

const callback = provider.callback();
server.on('request', async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/__next-login') {
      const { sub, claims } = await readJson(req);
      accounts.set(sub, claims);
      nextLogin = sub;
      res.writeHead(204).end();
      return;
    }
    if (req.url.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: nextLogin, clientId: details.params.client_id });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: nextLogin }, consent: { grantId } }, { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  } catch (error) {
    console.error('idp error', error);
    res.writeHead(500).end(String(error));
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
