// A real authorization server with DPoP for DpopEndToEndTest: panva's oidc-provider (pinned in
// scripts/peers.sh) on a loopback port. Dynamic registration is open, the DPoP feature requires a
// nonce at the token endpoint, the MCP resource gets JWT access tokens (so the test's resource server
// can check them with this server's JWKS), and the one test user is signed in and consents at once.
//
// env: OIDC_PROVIDER (path of oidc-provider's lib/index.js), PORT, RESOURCE (the MCP server's URL)
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const { default: Provider } = await import(pathToFileURL(process.env.OIDC_PROVIDER).href);
const port = Number(process.env.PORT);
const resource = process.env.RESOURCE;
const issuer = `http://localhost:${port}`;
const user = 'dpop-test-user';

const jwk = (type, options) => generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' });
const provider = new Provider(issuer, {
  jwks: { keys: [{ ...jwk('rsa', { modulusLength: 2048 }), kid: 'rs', use: 'sig', alg: 'RS256' },
                 { ...jwk('ec', { namedCurve: 'P-256' }), kid: 'ec', use: 'sig', alg: 'ES256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ['openid', 'offline_access', 'mcp:tools'],
  findAccount: (ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== resource) throw new Error(`unknown resource ${indicator}`);
        return { scope: 'mcp:tools', audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
});

// The test user signs in and consents to whatever was asked, without a page.
async function interaction(req, res) {
  const { params, prompt } = await provider.interactionDetails(req, res);
  console.log('interaction', prompt.name, JSON.stringify(prompt.reasons), JSON.stringify(prompt.details));
  const grant = new provider.Grant({ accountId: user, clientId: params.client_id });
  const asked = String(params.scope ?? '').split(' ').filter(Boolean);
  // mcp:tools is one of this provider's scopes and the resource's scope: granted as both.
  if (asked.length) grant.addOIDCScope(asked.join(' '));
  grant.addResourceScope(resource, asked.filter((s) => s === 'mcp:tools').join(' ') || 'mcp:tools');
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: user }, consent: { grantId } },
    { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const app = (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => { res.statusCode = 500; res.end(String(e)); });
  } else {
    handle(req, res);
  }
};
// Loopback only, on both of localhost's addresses (the machine may have no ::1).
createServer(app).listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
createServer(app).on('error', () => {}).listen(port, '::1');
