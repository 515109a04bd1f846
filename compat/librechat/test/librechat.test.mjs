// LibreChat's own client against a real Portcullis: every MCP, OAuth, plugin, permissions and roles
// function of librechat-data-provider 0.8.524's dataService, each answer validated with the package's
// zod schemas (or schemas written from its types, lib/schemas.mjs), plus the LibreChat semantics a
// front end relies on. The expectations are LibreChat's (librechat-data-provider 0.8.524 and
// @librechat/data-schemas 0.0.71, with LibreChat's server source of the same period), not
// Portcullis' current behaviour: a check that fails names the function, the field, what LibreChat
// gives and what the gateway gave.
//
// The checks run in order against one gateway and share what earlier ones created; a check whose
// precondition failed says so instead of guessing.
import { after, before, test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { MCP_SERVER_TITLE_PATTERN } from 'librechat-data-provider';
import {
  libreChatToken, objectId, portcullisToken, REPORT_DIR, requirePeers, scratchDir,
  startEverythingHttp, startGateway, startOAuthDemo, stop, tail,
} from '../lib/harness.mjs';
import { call, CheckFailure, connect, getRaw, postRaw, show, User, Verdict } from '../lib/client.mjs';
import * as S from '../lib/schemas.mjs';

const MCP = 'mcpServer'; // ResourceType.MCPSERVER
const results = []; // {name, status, detail}
const declared = [];
const started = new Set();
const env = {}; // what before() started
const ctx = {}; // what earlier checks left for later ones
let setupError;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One check: a node:test test whose outcome also goes into the report. */
function check(name, fn, { timeout = 60_000 } = {}) {
  declared.push(name);
  test(name, { timeout }, async () => {
    started.add(name);
    if (setupError) {
      throw new CheckFailure(`not run: the harness did not start (${setupError.message.split('\n')[0]})`);
    }
    try {
      await fn();
      results.push({ name, status: 'PASS' });
    } catch (e) {
      results.push({ name, status: 'FAIL', detail: e instanceof CheckFailure ? e.message : (e.stack ?? String(e)) });
      throw e;
    }
  });
}

/** A precondition another check was to establish. */
function needs(value, what) {
  if (value === undefined || value === null) {
    throw new CheckFailure(`precondition missing: ${what} (an earlier check failed)`);
  }
  return value;
}

let alice;
let bob;
let admin;

// However a check hangs, the suite ends: stop what it started, write the report, fail.
const deadlineMinutes = Number(process.env.LIBRECHAT_COMPAT_DEADLINE_MINUTES ?? 20);
setTimeout(async () => {
  setupError ??= new Error(`the suite did not finish within ${deadlineMinutes} minutes`);
  process.stderr.write(`librechat-compat: ${setupError.message}; stopping\n`);
  await stopAll().catch(() => undefined);
  process.exit(1);
}, deadlineMinutes * 60_000).unref();

async function stopAll() {
  await stop(env.gateway?.child);
  await Promise.all([stop(env.everythingHttp?.child), stop(env.oauthDemo?.child)]);
  writeReport();
  if (env.scratch) {
    fs.rmSync(env.scratch, { recursive: true, force: true });
  }
}

before(async () => {
  try {
    requirePeers();
    env.scratch = scratchDir();
    env.everythingHttp = await startEverythingHttp(env.scratch);
    env.oauthDemo = await startOAuthDemo(env.scratch);
    env.gateway = await startGateway(env.scratch, { everythingHttp: env.everythingHttp, oauthDemo: env.oauthDemo });
    connect(env.gateway.base);
    const person = (username) => ({ id: objectId(), username, provider: 'local', email: `${username}@example.com` });
    const aliceClaims = person('alice');
    const bobClaims = person('bob');
    alice = new User('alice', aliceClaims, libreChatToken(env.gateway.secret, aliceClaims));
    bob = new User('bob', bobClaims, libreChatToken(env.gateway.secret, bobClaims));
    // LibreChat's tokens carry no role; an admin is made with Portcullis' own minter (role claim).
    const adminClaims = { id: objectId(), username: 'admin', provider: 'local', email: 'admin@example.com' };
    admin = new User('admin', adminClaims, await portcullisToken(env.gateway.config,
      ['--user', adminClaims.id, '--role', 'ADMIN', '--email', adminClaims.email, '--ttl', '2h']));
    // Every user has signed in once, as LibreChat's users exist before anyone shares with them.
    for (const user of [alice, bob, admin]) {
      await call(user, 'getMCPServers');
    }
  } catch (e) {
    setupError = e;
    throw e;
  }
}, { timeout: 420_000 });

after(stopAll, { timeout: 60_000 });

function writeReport() {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  const gatewayLog = path.join(REPORT_DIR, 'gateway.log');
  if (env.scratch && fs.existsSync(path.join(env.scratch, 'gateway.log'))) {
    fs.copyFileSync(path.join(env.scratch, 'gateway.log'), gatewayLog);
  }
  const byName = new Map(results.map((r) => [r.name, r]));
  const rows = declared.map((name) => byName.get(name) ?? (setupError
    ? { name, status: 'FAIL', detail: `not run: ${setupError.message.split('\n')[0]}` }
    : started.has(name) ? { name, status: 'FAIL', detail: 'did not finish (timeout)' } : { name, status: 'SKIP' }));
  const failed = rows.filter((r) => r.status === 'FAIL');
  const skipped = rows.filter((r) => r.status === 'SKIP');
  const lines = [
    '# LibreChat compatibility (librechat-data-provider 0.8.524) against Portcullis',
    '',
    `${rows.length - failed.length - skipped.length} passed, ${failed.length} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`,
    '',
    ...rows.map((r) => `${r.status}  ${r.name}`),
  ];
  if (setupError) {
    lines.push('', '## Harness', '', '```', setupError.stack ?? String(setupError), '```');
  }
  if (failed.length) {
    lines.push('', '## Failures', '');
    for (const r of failed) {
      lines.push(`### ${r.name}`, '', '```', r.detail ?? '', '```', '');
    }
    lines.push(`Gateway log: ${gatewayLog}`);
    if (fs.existsSync(gatewayLog)) {
      lines.push('', '## Gateway log (last lines)', '', '```', tail(gatewayLog, 40), '```');
    }
  }
  fs.writeFileSync(path.join(REPORT_DIR, 'report.md'), `${lines.join('\n')}\n`);
}

const pick = (object, keys) => Object.fromEntries(keys.filter((k) => object && Object.hasOwn(object, k)).map((k) => [k, object[k]]));

/** The gateway's answer to the redirect a browser follows: path and `error` of the Location. */
function location(res) {
  const value = res.headers.location;
  if (!value) {
    return undefined;
  }
  const url = new URL(value, env.gateway.base);
  return { url, path: url.pathname, error: url.searchParams.get('error'), serverName: url.searchParams.get('serverName') };
}

async function serverStatus(user, serverName) {
  return call(user, 'getMCPServerConnectionStatus', serverName);
}

// ============================================================================================
// Tools, servers, status
// ============================================================================================

check('getMCPTools → MCPServersResponse (icon a string, tool keys, authConfig)', async () => {
  const v = new Verdict('getMCPTools()');
  const res = await call(alice, 'getMCPTools');
  v.status(res, 200);
  v.schema('response', S.mcpServersResponseSchema, res.data);
  const servers = res.data?.servers ?? {};
  for (const name of ['everything', 'everything-http', 'vars']) {
    v.expect(servers[name], `servers.${name}: missing (keys: ${Object.keys(servers).join(', ')})`);
  }
  for (const [key, server] of Object.entries(servers)) {
    v.equal(`servers.${key}.name`, server?.name, key);
  }
  const echo = servers.everything?.tools?.find((t) => t.name === 'echo');
  if (v.expect(echo, 'servers.everything.tools: no tool named echo')) {
    v.equal('servers.everything.tools[echo].pluginKey', echo.pluginKey, 'echo_mcp_everything');
  }
  v.equal('servers.everything.authenticated (no customUserVars)', servers.everything?.authenticated, true);
  v.equal('servers.vars.authenticated (customUserVars not set)', servers.vars?.authenticated, false);
  v.equal('servers.vars.authConfig', (servers.vars?.authConfig ?? []).map((a) => pick(a, ['authField', 'label', 'description', 'sensitive'])),
    [{ authField: 'API_KEY', label: 'API key', description: 'Your key', sensitive: true }]);
  v.done();
});

check('getMCPTools does not start an OAuth flow for a user who has not authorized', async () => {
  const v = new Verdict('getMCPTools() then getMCPServerConnectionStatus(demo-oauth)');
  const listing = await call(bob, 'getMCPTools');
  v.status(listing, 200);
  await sleep(1500); // anything a listing set off in the background has had time to show
  const res = await serverStatus(bob, 'demo-oauth');
  v.status(res, 200);
  v.expect(!['error', 'connecting'].includes(res.data.connectionStatus),
    `connectionStatus after a listing: expected 'disconnected' (nothing attempted), got ${show(res.data.connectionStatus)}`);
  v.expect(!['authorizing', 'error'].includes(res.data.authorizationState),
    `authorizationState after a listing: expected no flow ('needs_authorization' or absent), got ${show(res.data.authorizationState)}`);
  const flow = await call(bob, 'getMCPOAuthStatus', `${bob.id}:demo-oauth`);
  v.expect(flow.status === 404, `getMCPOAuthStatus(${bob.id}:demo-oauth) after a listing: expected 404 (no flow), got ${flow.status} ${show(flow.data)}`);
  v.done();
});

check('getMCPServers → Record<name, MCPServerDBObjectResponse> (operator servers, redacted)', async () => {
  const v = new Verdict('getMCPServers()');
  const res = await call(alice, 'getMCPServers');
  v.status(res, 200);
  v.schema('response', S.serversListSchema, res.data);
  for (const name of ['everything', 'everything-http', 'demo-oauth', 'vars']) {
    const server = res.data?.[name];
    if (!v.expect(server, `${name}: missing (keys: ${Object.keys(res.data ?? {}).join(', ')})`)) {
      continue;
    }
    v.equal(`${name}.source`, server.source, 'yaml');
    v.absent(`${name} (a user who cannot edit it)`, server, 'url');
    for (const secret of ['headers', 'env', 'command', 'args']) {
      v.absent(`${name}`, server, secret);
    }
  }
  v.equal('everything.type', res.data?.everything?.type, 'stdio');
  v.equal('vars.customUserVars', res.data?.vars?.customUserVars, { API_KEY: { title: 'API key', description: 'Your key', sensitive: true } });
  v.done();
});

check('getMCPServer(operator server) → MCPServerDBObjectResponse', async () => {
  const v = new Verdict("getMCPServer('everything-http')");
  const res = await call(alice, 'getMCPServer', 'everything-http');
  v.status(res, 200);
  v.schema('response', S.redactedServerConfigSchema, res.data);
  v.equal('type', res.data.type, 'streamable-http');
  v.equal('title', res.data.title, 'Everything HTTP');
  v.absent('a user who cannot edit it', res.data, 'url');
  const missing = await call(alice, 'getMCPServer', 'no-such-server');
  v.expect(missing.status === 404, `getMCPServer('no-such-server'): expected 404, got ${missing.status}`);
  v.done();
});

check('getMCPConnectionStatus → MCPConnectionStatusResponse', async () => {
  const v = new Verdict('getMCPConnectionStatus()');
  const res = await call(alice, 'getMCPConnectionStatus');
  v.status(res, 200);
  v.schema('response', S.connectionStatusResponseSchema, res.data);
  v.equal('success', res.data.success, true);
  for (const name of ['everything', 'everything-http', 'demo-oauth', 'vars']) {
    v.expect(res.data.connectionStatus?.[name], `connectionStatus.${name}: missing`);
  }
  v.equal('connectionStatus.everything.requiresOAuth', res.data.connectionStatus?.everything?.requiresOAuth, false);
  v.done();
});

check('getMCPServerConnectionStatus → MCPServerConnectionStatusResponse (connectionStatus a string)', async () => {
  const v = new Verdict("getMCPServerConnectionStatus('everything')");
  const res = await serverStatus(alice, 'everything');
  v.status(res, 200);
  v.schema('response', S.serverConnectionStatusResponseSchema, res.data);
  v.equal('serverName', res.data.serverName, 'everything');
  v.equal('requiresOAuth', res.data.requiresOAuth, false);
  v.done();
});

check('getMCPAuthValues → MCPAuthValuesResponse', async () => {
  const v = new Verdict("getMCPAuthValues('vars')");
  const res = await call(alice, 'getMCPAuthValues', 'vars');
  v.status(res, 200);
  v.schema('response', S.authValuesResponseSchema, res.data);
  v.equal('serverName', res.data.serverName, 'vars');
  v.equal('authValueFlags', res.data.authValueFlags, { API_KEY: false });
  v.done();
});

check('updateUserPlugins install / uninstall sets and clears customUserVars', async () => {
  const v = new Verdict("updateUserPlugins({pluginKey: 'mcp_vars', ...})");
  const install = { pluginKey: 'mcp_vars', action: 'install', auth: { API_KEY: 'key-from-librechat' } };
  S.updateUserPluginsRequestSchema.parse(install);
  const set = await call(alice, 'updateUserPlugins', install);
  v.status(set, 200);
  const afterSet = await call(alice, 'getMCPAuthValues', 'vars');
  v.equal('getMCPAuthValues(vars).authValueFlags after install', afterSet.data?.authValueFlags, { API_KEY: true });
  const uninstall = { pluginKey: 'mcp_vars', action: 'uninstall', auth: {} };
  S.updateUserPluginsRequestSchema.parse(uninstall);
  const cleared = await call(alice, 'updateUserPlugins', uninstall);
  v.status(cleared, 200);
  const afterClear = await call(alice, 'getMCPAuthValues', 'vars');
  v.equal('getMCPAuthValues(vars).authValueFlags after uninstall', afterClear.data?.authValueFlags, { API_KEY: false });
  v.done();
});

// ============================================================================================
// User servers: create, read, update, reinitialize (delete comes after sharing)
// ============================================================================================

function userServerConfig(extra = {}) {
  return {
    type: 'streamable-http',
    url: env.everythingHttp.localhostUrl,
    title: 'Weather Station',
    description: 'Added through LibreChat\'s client by the compatibility suite',
    ...extra,
  };
}

/** createMCPServer as `user`; the body is first checked to be one LibreChat's own schema accepts. */
async function create(user, config) {
  const parsed = S.MCPServerUserInputSchema.safeParse(config);
  if (!parsed.success) {
    throw new Error(`suite bug: LibreChat's MCPServerUserInputSchema refuses ${show(config)}: ${parsed.error.message}`);
  }
  return call(user, 'createMCPServer', { config });
}

async function bestEffortDelete(user, serverName) {
  if (serverName) {
    await call(user, 'deleteMCPServer', serverName).catch(() => undefined);
  }
}

check('createMCPServer → 201 MCPServerDBObjectResponse with serverName', async () => {
  const v = new Verdict('createMCPServer({config: {type, url, title, description}})');
  const config = userServerConfig();
  const res = await create(alice, config);
  v.status(res, 201);
  v.schema('response', S.createdServerSchema, res.data);
  v.equal('title', res.data.title, config.title);
  v.equal('url (the creator may edit it)', res.data.url, config.url);
  v.equal('type', res.data.type, 'streamable-http');
  v.expect(typeof res.data.dbId === 'string' && res.data.dbId.length > 0, `dbId: expected a string id, got ${show(res.data.dbId)}`);
  if (typeof res.data.serverName === 'string' && typeof res.data.dbId === 'string') {
    ctx.server = { name: res.data.serverName, dbId: res.data.dbId, config };
  }
  v.done();
});

for (const title of ['Brave-Search', "Bob's Tools", '日本語ツール']) {
  check(`createMCPServer accepts LibreChat's title ${JSON.stringify(title)}`, async () => {
    if (!MCP_SERVER_TITLE_PATTERN.test(title)) {
      throw new Error(`suite bug: ${title} does not match MCP_SERVER_TITLE_PATTERN`);
    }
    const v = new Verdict(`createMCPServer({config: {title: ${JSON.stringify(title)}}})`);
    const res = await create(alice, userServerConfig({ title }));
    await bestEffortDelete(alice, res.data?.serverName);
    v.status(res, 201);
    v.schema('response', S.createdServerSchema, res.data);
    v.equal('title', res.data.title, title);
    v.done();
  });
}

check('createMCPServer accepts requestHeaders', async () => {
  const v = new Verdict("createMCPServer({config: {requestHeaders: {'X-Team': 'blue'}}})");
  const res = await create(alice, userServerConfig({ title: 'Request Headers', requestHeaders: { 'X-Team': 'blue' } }));
  await bestEffortDelete(alice, res.data?.serverName);
  v.status(res, 201);
  v.schema('response', S.createdServerSchema, res.data);
  v.done();
});

check('createMCPServer accepts oauth.redirect_uri', async () => {
  const v = new Verdict('createMCPServer({config: {oauth: {redirect_uri}}})');
  const res = await create(alice, userServerConfig({
    title: 'Redirect Uri',
    oauth: { redirect_uri: `${env.gateway.base}/api/mcp/redirect-uri/oauth/callback` },
  }));
  await bestEffortDelete(alice, res.data?.serverName);
  v.status(res, 201);
  v.schema('response', S.createdServerSchema, res.data);
  v.done();
});

check('createMCPServer refuses an invalid title with {error, message, errors[{path, message}]}', async () => {
  const config = userServerConfig({ title: 'My_Tool' });
  if (S.MCPServerUserInputSchema.safeParse(config).success) {
    throw new Error('suite bug: LibreChat accepts the title My_Tool');
  }
  const v = new Verdict("createMCPServer({config: {title: 'My_Tool'}})");
  const res = await call(alice, 'createMCPServer', { config });
  if (res.status === 201) {
    await bestEffortDelete(alice, res.data?.serverName);
  }
  v.status(res, 400);
  v.schema('400 body', S.invalidConfigErrorSchema, res.data);
  const errors = Array.isArray(res.data?.errors) ? res.data.errors : [];
  v.expect(errors.some((e) => Array.isArray(e?.path) && e.path.includes('title')),
    () => `errors: expected an issue with path [..., 'title'] (zod style), got ${show(errors)}`);
  v.done();
});

check('getMCPServers lists the user server with LibreChat\'s field types', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict('getMCPServers()');
  const res = await call(alice, 'getMCPServers');
  v.status(res, 200);
  const entry = res.data?.[server.name];
  v.require(entry, `${server.name}: missing (keys: ${Object.keys(res.data ?? {}).join(', ')})`);
  v.schema(server.name, S.redactedServerConfigSchema, entry);
  v.equal(`${server.name}.dbId`, entry.dbId, server.dbId);
  v.equal(`${server.name}.source`, entry.source, 'user');
  v.absent(server.name, entry, 'headers');
  v.done();
});

check('getMCPServer(user server) → MCPServerDBObjectResponse', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict(`getMCPServer('${server.name}')`);
  const res = await call(alice, 'getMCPServer', server.name);
  v.status(res, 200);
  v.schema('response', S.redactedServerConfigSchema, res.data);
  v.equal('dbId', res.data.dbId, server.dbId);
  v.equal('url (owner)', res.data.url, server.config.url);
  v.done();
});

check('updateMCPServer (PATCH with the full form config) → MCPServerDBObjectResponse', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const config = { ...server.config, description: 'Changed through updateMCPServer' };
  if (!S.MCPServerUserInputSchema.safeParse(config).success) {
    throw new Error('suite bug: the update body is not valid MCPServerUserInput');
  }
  const v = new Verdict(`updateMCPServer('${server.name}', {config})`);
  const res = await call(alice, 'updateMCPServer', server.name, { config });
  v.status(res, 200);
  v.schema('response', S.redactedServerConfigSchema, res.data);
  v.equal('description', res.data.description, config.description);
  v.equal('title', res.data.title, config.title);
  v.done();
});

check('reinitializeMCPServer(user server) → MCPReinitializeResponse', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict(`reinitializeMCPServer('${server.name}')`);
  const res = await call(alice, 'reinitializeMCPServer', server.name);
  v.status(res, 200);
  v.schema('response', S.reinitializeResponseSchema, res.data);
  v.equal('success', res.data.success, true);
  v.equal('serverName', res.data.serverName, server.name);
  v.done();
});

// ============================================================================================
// OAuth: a full round trip against the SDK demo's auto-approving authorization server
// ============================================================================================

check('reinitializeMCPServer(OAuth server) → oauthRequired, oauthUrl, flowId', async () => {
  const v = new Verdict("reinitializeMCPServer('demo-oauth')");
  const res = await call(alice, 'reinitializeMCPServer', 'demo-oauth');
  v.status(res, 200);
  v.schema('response', S.reinitializeResponseSchema, res.data);
  v.equal('oauthRequired', res.data.oauthRequired, true);
  v.expect(typeof res.data.oauthUrl === 'string', `oauthUrl: expected the authorization URL, got ${show(res.data.oauthUrl)}`);
  v.expect(typeof res.data.flowId === 'string', `flowId: expected a string, got ${show(res.data.flowId)}`);
  if (typeof res.data.flowId === 'string') {
    ctx.flowId = res.data.flowId;
    ctx.oauthUrl = res.data.oauthUrl;
  }
  v.done();
});

check('getMCPOAuthStatus(pending) → MCPOAuthStatusResponse without error: null', async () => {
  const flowId = needs(ctx.flowId, 'a flow started by reinitializeMCPServer');
  const v = new Verdict(`getMCPOAuthStatus('${flowId}')`);
  const res = await call(alice, 'getMCPOAuthStatus', flowId);
  v.status(res, 200);
  v.schema('response', S.oauthStatusSchema, res.data);
  v.equal('status', res.data.status, 'PENDING');
  v.equal('completed', res.data.completed, false);
  v.equal('failed', res.data.failed, false);
  v.absent('a flow that has not failed', res.data, 'error');
  v.done();
});

check('bindMCPOAuth → {success} and a binding cookie', async () => {
  const v = new Verdict("bindMCPOAuth('demo-oauth')");
  const res = await call(alice, 'bindMCPOAuth', 'demo-oauth');
  v.status(res, 200);
  v.schema('response', S.bindResponseSchema, res.data);
  v.equal('success', res.data.success, true);
  v.expect(alice.browser.names().length > 0, `Set-Cookie: expected a browser-binding cookie, got ${show(res.headers['set-cookie'])}`);
  v.done();
});

function initiatePath(query) {
  return `/api/mcp/demo-oauth/oauth/initiate?${new URLSearchParams(query)}`;
}

check('oauth/initiate with another user\'s userId → 403', async () => {
  const flowId = needs(ctx.flowId, 'a flow started by reinitializeMCPServer');
  const v = new Verdict(`GET ${initiatePath({ userId: '<bob>', flowId })} as alice`);
  const res = await getRaw(alice, initiatePath({ userId: bob.id, flowId }), { cookies: true });
  v.equal('status (LibreChat: 403 {error: "User mismatch"})', res.status, 403);
  v.done();
});

check('oauth/initiate without userId → 403', async () => {
  const flowId = needs(ctx.flowId, 'a flow started by reinitializeMCPServer');
  const v = new Verdict(`GET ${initiatePath({ flowId })}`);
  const res = await getRaw(alice, initiatePath({ flowId }), { cookies: true });
  v.equal('status (LibreChat: 403 {error: "User mismatch"})', res.status, 403);
  v.done();
});

check('oauth/initiate → 302 to the provider, binding cookie set', async () => {
  const flowId = needs(ctx.flowId, 'a flow started by reinitializeMCPServer');
  const v = new Verdict(`GET ${initiatePath({ userId: alice.id, flowId })}`);
  const res = await getRaw(alice, initiatePath({ userId: alice.id, flowId }), { cookies: true });
  v.equal('status', res.status, 302);
  const to = res.headers.location;
  v.require(typeof to === 'string', `Location: missing (body ${show(res.data)})`);
  const url = new URL(to, env.gateway.base);
  v.equal('Location origin', url.origin, `http://localhost:${env.oauthDemo.authPort}`);
  v.equal('Location path', url.pathname, '/authorize');
  v.expect(alice.browser.names().length > 0, 'Set-Cookie: no browser-binding cookie');
  ctx.authorizeUrl = to;
  v.done();
});

check('OAuth callback with the binding cookie → /oauth/success, flow COMPLETED', async () => {
  const authorizeUrl = needs(ctx.authorizeUrl ?? ctx.oauthUrl, 'an authorization URL from initiate or reinitialize');
  const flowId = needs(ctx.flowId, 'a flow started by reinitializeMCPServer');
  const v = new Verdict('provider redirect → GET /api/mcp/demo-oauth/oauth/callback');
  // The user's browser at the provider, which approves at once and redirects back with code and state.
  const provider = await fetch(authorizeUrl, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  v.require(provider.status === 302, `provider /authorize: expected 302, got ${provider.status} ${await provider.text()}`);
  const back = new URL(provider.headers.get('location'));
  v.require(back.pathname === '/api/mcp/demo-oauth/oauth/callback',
    `redirect_uri: expected the gateway's /api/mcp/demo-oauth/oauth/callback, got ${back}`);
  const res = await getRaw(alice, `${back.pathname}${back.search}`, { cookies: true, token: false });
  v.equal('callback status', res.status, 302);
  const to = location(res);
  v.equal('callback Location path', to?.path, '/oauth/success');
  v.equal('callback Location serverName', to?.serverName, 'demo-oauth');
  const status = await call(alice, 'getMCPOAuthStatus', flowId);
  v.status(status, 200);
  v.schema('getMCPOAuthStatus', S.oauthStatusSchema, status.data);
  v.equal('getMCPOAuthStatus.status', status.data.status, 'COMPLETED');
  v.equal('getMCPOAuthStatus.completed', status.data.completed, true);
  v.absent('getMCPOAuthStatus (completed)', status.data, 'error');
  if (status.data.status === 'COMPLETED') {
    ctx.authorized = true;
  }
  v.done();
});

check('after the callback the server reads connected and authorized, without a reinitialize', async () => {
  needs(ctx.authorized, 'a completed OAuth callback');
  const v = new Verdict("getMCPServerConnectionStatus('demo-oauth') after the callback");
  let res;
  for (let i = 0; i < 10; i++) { // LibreChat connects before it redirects; allow a moment for an async connect
    res = await serverStatus(alice, 'demo-oauth');
    if (res.data?.connectionStatus === 'connected') {
      break;
    }
    await sleep(300);
  }
  v.status(res, 200);
  v.schema('response', S.serverConnectionStatusResponseSchema, res.data);
  v.equal('connectionStatus', res.data.connectionStatus, 'connected');
  v.equal('authorizationState', res.data.authorizationState, 'authorized');
  v.equal('requiresOAuth', res.data.requiresOAuth, true);
  v.done();
});

check('an authorized user lists and calls the OAuth server\'s tools', async () => {
  needs(ctx.authorized, 'a completed OAuth callback');
  const v = new Verdict('getMCPTools() / POST /api/mcp/demo-oauth/tools/greet/call');
  const tools = await call(alice, 'getMCPTools');
  v.status(tools, 200);
  const greet = tools.data?.servers?.['demo-oauth']?.tools?.find((t) => t.name === 'greet');
  if (v.expect(greet, `servers.demo-oauth.tools: no greet tool (got ${show(tools.data?.servers?.['demo-oauth'])})`)) {
    v.equal('greet.pluginKey', greet.pluginKey, 'greet_mcp_demo-oauth');
  }
  const res = await postRaw(alice, '/api/mcp/demo-oauth/tools/greet/call', { arguments: { name: 'LibreChat' } });
  v.status(res, 200);
  v.equal('content[0].text', res.data?.content?.[0]?.text, 'Hello, LibreChat!');
  v.done();
});

check('cancelMCPOAuth with nothing pending → CancelMCPOAuthResponse', async () => {
  const v = new Verdict("cancelMCPOAuth('demo-oauth')");
  const res = await call(alice, 'cancelMCPOAuth', 'demo-oauth');
  v.status(res, 200);
  v.schema('response', S.cancelResponseSchema, res.data);
  v.equal('success', res.data.success, true);
  v.done();
});

check('updateUserPlugins uninstall revokes and deletes the OAuth grant', async () => {
  needs(ctx.authorized, 'a completed OAuth callback');
  const v = new Verdict("updateUserPlugins({pluginKey: 'mcp_demo-oauth', action: 'uninstall', auth: {}})");
  const payload = { pluginKey: 'mcp_demo-oauth', action: 'uninstall', auth: {} };
  S.updateUserPluginsRequestSchema.parse(payload);
  const res = await call(alice, 'updateUserPlugins', payload);
  v.status(res, 200);
  const status = await serverStatus(alice, 'demo-oauth');
  v.expect(status.data?.authorizationState !== 'authorized',
    `getMCPServerConnectionStatus(demo-oauth).authorizationState after uninstall: expected 'needs_authorization', got ${show(status.data?.authorizationState)}`);
  v.expect(status.data?.connectionStatus !== 'connected',
    `getMCPServerConnectionStatus(demo-oauth).connectionStatus after uninstall: expected not connected, got ${show(status.data?.connectionStatus)}`);
  const callAfter = await postRaw(alice, '/api/mcp/demo-oauth/tools/greet/call', { arguments: { name: 'again' } });
  v.expect(callAfter.status !== 200, `a tool call after uninstall: expected a refusal (authorization needed), got 200 ${show(callAfter.data)}`);
  v.done();
});

check('cancelMCPOAuth cancels a pending flow → getMCPOAuthStatus FAILED with an error string', async () => {
  const v = new Verdict("cancelMCPOAuth('demo-oauth') on a pending flow");
  const started = await call(bob, 'reinitializeMCPServer', 'demo-oauth');
  v.status(started, 200);
  const flowId = started.data?.flowId;
  v.require(typeof flowId === 'string', `reinitializeMCPServer(demo-oauth).flowId: expected a string, got ${show(flowId)}`);
  const res = await call(bob, 'cancelMCPOAuth', 'demo-oauth');
  v.status(res, 200);
  v.schema('response', S.cancelResponseSchema, res.data);
  v.equal('message', res.data.message, 'OAuth flow for demo-oauth cancelled successfully');
  const status = await call(bob, 'getMCPOAuthStatus', flowId);
  v.status(status, 200);
  v.schema('getMCPOAuthStatus', S.oauthStatusSchema, status.data);
  v.equal('getMCPOAuthStatus.status', status.data.status, 'FAILED');
  v.equal('getMCPOAuthStatus.failed', status.data.failed, true);
  v.expect(typeof status.data.error === 'string', `getMCPOAuthStatus.error: expected a string, got ${show(status.data.error)}`);
  v.done();
});

const callbackCases = [
  ['error=access_denied without state', { error: 'access_denied' }, 'access_denied'],
  ['no code', { state: 'some-state' }, 'missing_code'],
  ['no state', { code: 'some-code' }, 'missing_state'],
  ['a state the gateway never issued', { code: 'some-code', state: 'forged-state' }, 'invalid_state'],
];
for (const [what, query, code] of callbackCases) {
  check(`OAuth callback with ${what} → /oauth/error?error=${code}`, async () => {
    const url = `/api/mcp/demo-oauth/oauth/callback?${new URLSearchParams(query)}`;
    const v = new Verdict(`GET ${url}`);
    const res = await getRaw(null, url, { token: false });
    v.equal('status', res.status, 302);
    const to = location(res);
    v.equal('Location path', to?.path, '/oauth/error');
    v.equal('Location error', to?.error, code);
    v.done();
  });
}

check("getMCPOAuthStatus of another user's flow is refused", async () => {
  const flowId = needs(ctx.flowId, 'a flow started by reinitializeMCPServer');
  const v = new Verdict(`getMCPOAuthStatus('${flowId}') as bob`);
  const res = await call(bob, 'getMCPOAuthStatus', flowId);
  v.expect([403, 404].includes(res.status), `status: expected 403 (LibreChat) or 404, got ${res.status} ${show(res.data)}`);
  v.done();
});

// ============================================================================================
// Sharing: /api/permissions/mcpServer
// ============================================================================================

check('getAccessRoles(mcpServer) → AccessRolesResponse', async () => {
  const v = new Verdict("getAccessRoles('mcpServer')");
  const res = await call(alice, 'getAccessRoles', MCP);
  v.status(res, 200);
  v.schema('response (exported accessRoleSchema[])', S.accessRolesExportedSchema, res.data);
  v.schema('response (AccessRole type)', S.accessRolesTypeSchema, res.data);
  const bits = Object.fromEntries((Array.isArray(res.data) ? res.data : []).map((r) => [r.accessRoleId, r.permBits]));
  v.equal('accessRoleId → permBits', bits, { mcpServer_viewer: 1, mcpServer_editor: 3, mcpServer_owner: 15 });
  v.done();
});

check('getAllEffectivePermissions(mcpServer) → Record<id, bits>', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict("getAllEffectivePermissions('mcpServer')");
  const owner = await call(alice, 'getAllEffectivePermissions', MCP);
  v.status(owner, 200);
  v.schema('response (alice)', S.allEffectivePermissionsSchema, owner.data);
  v.equal(`alice: [${server.dbId}]`, owner.data?.[server.dbId], 15);
  const other = await call(bob, 'getAllEffectivePermissions', MCP);
  v.status(other, 200);
  v.schema('response (bob)', S.allEffectivePermissionsSchema, other.data);
  v.absent('bob (no grant)', other.data, server.dbId);
  v.done();
});

check('getEffectivePermissions(mcpServer, id) → {permissionBits}', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict(`getEffectivePermissions('mcpServer', '${server.dbId}')`);
  const owner = await call(alice, 'getEffectivePermissions', MCP, server.dbId);
  v.status(owner, 200);
  v.schema('response (alice)', S.effectivePermissionsResponseSchema, owner.data);
  v.equal('alice permissionBits', owner.data.permissionBits, 15);
  const other = await call(bob, 'getEffectivePermissions', MCP, server.dbId);
  v.status(other, 200);
  v.schema('response (bob)', S.effectivePermissionsResponseSchema, other.data);
  v.equal('bob permissionBits', other.data.permissionBits, 0);
  v.done();
});

/** getResourcePermissions as `user`, validated; the body, or undefined. */
async function permissionsOf(v, user, server) {
  const res = await call(user, 'getResourcePermissions', MCP, server.dbId);
  v.status(res, 200);
  v.schema('getResourcePermissions', S.resourcePermissionsSchema, res.data);
  return res.data;
}

check('getResourcePermissions(mcpServer, id) → TGetResourcePermissionsResponse (resourceId corrected)', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict(`getResourcePermissions('mcpServer', '${server.dbId}')`);
  const body = await permissionsOf(v, alice, server);
  v.equal('resourceType', body.resourceType, MCP);
  v.equal('resourceId', body.resourceId, server.dbId);
  v.equal('public', body.public, false);
  const owner = (body.principals ?? []).find((p) => p.type === 'user' && p.id === alice.id);
  if (v.expect(owner, `principals: no user principal for alice (${alice.id}); got ${show(body.principals)}`)) {
    v.equal('principals[alice].accessRoleId', owner.accessRoleId, 'mcpServer_owner');
    v.equal('principals[alice].name (LibreChat: name || username)', owner.name, alice.claims.username);
    v.equal('principals[alice].email', owner.email, alice.claims.email);
  }
  v.done();
});

async function share(v, user, server, body) {
  S.updateResourcePermissionsRequestSchema.parse(body);
  const res = await call(user, 'updateResourcePermissions', MCP, server.dbId, body);
  v.status(res, 200);
  v.schema('updateResourcePermissions', S.updateResourcePermissionsResponseSchema, res.data);
  return res.data;
}

check('updateResourcePermissions shares with a user and publicly → TUpdateResourcePermissionsResponse', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict(`updateResourcePermissions('mcpServer', '${server.dbId}', {updated: [bob viewer], public: true})`);
  const body = await share(v, alice, server, {
    updated: [{ type: 'user', id: bob.id, accessRoleId: 'mcpServer_viewer' }],
    removed: [],
    public: true,
    publicAccessRoleId: 'mcpServer_viewer',
  });
  v.equal('message', body.message, 'Permissions updated successfully');
  v.equal('results.public', body.results?.public, true);
  const bits = await call(bob, 'getEffectivePermissions', MCP, server.dbId);
  v.equal('getEffectivePermissions as bob', bits.data?.permissionBits, 1);
  const seen = await call(bob, 'getMCPServer', server.name);
  v.equal(`getMCPServer('${server.name}') as bob: status`, seen.status, 200);
  const after = await permissionsOf(v, alice, server);
  v.equal('getResourcePermissions.public', after.public, true);
  v.equal('getResourcePermissions.publicAccessRoleId', after.publicAccessRoleId, 'mcpServer_viewer');
  const bobPrincipal = (after.principals ?? []).find((p) => p.type === 'user' && p.id === bob.id);
  if (v.expect(bobPrincipal, `principals: no user principal for bob; got ${show(after.principals)}`)) {
    v.equal('principals[bob].email', bobPrincipal.email, bob.claims.email);
  }
  ctx.shared = true;
  v.done();
});

check('updateResourcePermissions without public leaves the public grant unchanged', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  needs(ctx.shared, 'a public grant made by updateResourcePermissions');
  const v = new Verdict(`updateResourcePermissions('mcpServer', '${server.dbId}', {updated: [bob editor], removed: []})`);
  const body = await share(v, alice, server, {
    updated: [{ type: 'user', id: bob.id, accessRoleId: 'mcpServer_editor' }],
    removed: [],
  });
  v.absent('results (request without public: LibreChat omits the key)', body.results, 'public');
  const after = await permissionsOf(v, alice, server);
  v.equal('getResourcePermissions.public after a PUT without public', after.public, true);
  const bobPrincipal = (after.principals ?? []).find((p) => p.type === 'user' && p.id === bob.id);
  v.equal('principals[bob].accessRoleId', bobPrincipal?.accessRoleId, 'mcpServer_editor');
  v.done();
});

check('updateResourcePermissions with public: false revokes the public grant', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict(`updateResourcePermissions('mcpServer', '${server.dbId}', {public: false})`);
  const body = await share(v, alice, server, { updated: [], removed: [], public: false });
  v.equal('results.public', body.results?.public, false);
  const after = await permissionsOf(v, alice, server);
  v.equal('getResourcePermissions.public', after.public, false);
  v.done();
});

check('deleteMCPServer by an editor (no DELETE bit) → 403', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict(`deleteMCPServer('${server.name}') as bob (editor)`);
  const res = await call(bob, 'deleteMCPServer', server.name);
  v.equal('status', res.status, 403);
  v.done();
});

// ============================================================================================
// People picker and roles
// ============================================================================================

check('searchPrincipals(users) → PrincipalSearchResponse (types nullable)', async () => {
  const v = new Verdict("searchPrincipals({q: 'alice'}) as admin");
  const res = await call(admin, 'searchPrincipals', { q: 'alice' });
  v.status(res, 200);
  v.schema('response', S.principalSearchResponseSchema, res.data);
  v.equal('query', res.data.query, 'alice');
  v.equal('limit (default)', res.data.limit, 20);
  v.equal('count', res.data.count, res.data.results?.length);
  const found = (res.data.results ?? []).find((p) => p.type === 'user' && p.id === alice.id);
  if (v.expect(found, `results: alice (${alice.id}) not found; got ${show(res.data.results)}`)) {
    v.equal('results[alice].email', found.email, alice.claims.email);
  }
  v.done();
});

check('searchPrincipals(roles) finds a role', async () => {
  const v = new Verdict("searchPrincipals({q: 'USER', types: ['role']}) as admin");
  const res = await call(admin, 'searchPrincipals', { q: 'USER', types: ['role'] });
  v.status(res, 200);
  v.schema('response', S.principalSearchResponseSchema, res.data);
  v.equal('types', res.data.types, ['role']);
  const role = (res.data.results ?? []).find((p) => p.type === 'role' && p.id === 'USER');
  if (v.expect(role, `results: role USER not found; got ${show(res.data.results)}`)) {
    v.equal('results[USER].name', role.name, 'USER');
  }
  v.done();
});

check('searchPrincipals refuses a one-character query (400)', async () => {
  const v = new Verdict("searchPrincipals({q: 'a'})");
  const res = await call(admin, 'searchPrincipals', { q: 'a' });
  v.equal('status', res.status, 400);
  v.done();
});

check('searchPrincipals needs the PEOPLE_PICKER permission of the kind asked for (groups: off here → 403)', async () => {
  const v = new Verdict("searchPrincipals({q: 'bob', types: ['group']}) as alice");
  const res = await call(alice, 'searchPrincipals', { q: 'bob', types: ['group'] });
  v.equal('status', res.status, 403);
  v.done();
});

check('getRole(USER) → TRole reflecting interface.mcpServers', async () => {
  const v = new Verdict("getRole('USER') as alice");
  const res = await call(alice, 'getRole', 'USER');
  v.status(res, 200);
  v.schema('response', S.roleSchema, res.data);
  v.equal('name', res.data.name, 'USER');
  v.equal('permissions.MCP_SERVERS (USE, CREATE, SHARE, SHARE_PUBLIC)',
    pick(res.data.permissions?.MCP_SERVERS, ['USE', 'CREATE', 'SHARE', 'SHARE_PUBLIC']),
    { USE: true, CREATE: true, SHARE: true, SHARE_PUBLIC: true });
  v.done();
});

check('getRole(ADMIN): 403 for a user, TRole for an admin; unknown role 404', async () => {
  const v = new Verdict("getRole('ADMIN')");
  const refused = await call(alice, 'getRole', 'ADMIN');
  v.equal('as alice: status', refused.status, 403);
  const res = await call(admin, 'getRole', 'ADMIN');
  v.equal('as admin: status', res.status, 200);
  if (res.status === 200) {
    v.schema('as admin', S.roleSchema, res.data);
    v.equal('as admin: name', res.data.name, 'ADMIN');
  }
  const unknown = await call(admin, 'getRole', 'NO_SUCH_ROLE');
  v.equal("getRole('NO_SUCH_ROLE') as admin: status", unknown.status, 404);
  v.done();
});

check('deleteMCPServer by the owner → 200, then gone', async () => {
  const server = needs(ctx.server, 'a server made by createMCPServer');
  const v = new Verdict(`deleteMCPServer('${server.name}')`);
  const res = await call(alice, 'deleteMCPServer', server.name);
  v.status(res, 200);
  v.schema('response', S.deleteServerSchema, res.data);
  const gone = await call(alice, 'getMCPServer', server.name);
  v.equal(`getMCPServer('${server.name}') after delete: status`, gone.status, 404);
  const list = await call(alice, 'getMCPServers');
  v.absent('getMCPServers() after delete', list.data, server.name);
  v.done();
});

check('updatePeoplePickerPermissions → TRole, and it takes effect', async () => {
  const v = new Verdict("updatePeoplePickerPermissions({roleName: 'USER', updates: {VIEW_USERS}})");
  const grant = { roleName: 'USER', updates: { VIEW_USERS: true } };
  S.peoplePickerUpdatesSchema.parse(grant.updates);
  const refused = await call(alice, 'updatePeoplePickerPermissions', grant);
  v.equal('as alice (no MANAGE_ROLES): status', refused.status, 403);
  const res = await call(admin, 'updatePeoplePickerPermissions', grant);
  v.status(res, 200);
  v.schema('response', S.roleSchema, res.data);
  v.equal('permissions.PEOPLE_PICKER.VIEW_USERS', res.data.permissions?.PEOPLE_PICKER?.VIEW_USERS, true);
  const search = await call(alice, 'searchPrincipals', { q: 'bob', types: ['user'] });
  v.equal("searchPrincipals({q: 'bob', types: ['user']}) as alice once USER may VIEW_USERS: status", search.status, 200);
  if (search.status === 200) {
    v.schema('searchPrincipals', S.principalSearchResponseSchema, search.data);
    v.expect((search.data.results ?? []).some((p) => p.id === bob.id), () => `searchPrincipals results: bob not found; got ${show(search.data.results)}`);
  }
  const restore = await call(admin, 'updatePeoplePickerPermissions', { roleName: 'USER', updates: { VIEW_USERS: false } });
  v.status(restore, 200);
  v.equal('restored PEOPLE_PICKER.VIEW_USERS', restore.data?.permissions?.PEOPLE_PICKER?.VIEW_USERS, false);
  v.done();
});

check('updateMCPServersPermissions → TRole, and it takes effect', async () => {
  const v = new Verdict("updateMCPServersPermissions({roleName: 'USER', updates: {CREATE}})");
  const revoke = { roleName: 'USER', updates: { CREATE: false } };
  S.mcpServersUpdatesSchema.parse(revoke.updates);
  const refused = await call(alice, 'updateMCPServersPermissions', revoke);
  v.equal('as alice (no MANAGE_ROLES): status', refused.status, 403);
  const res = await call(admin, 'updateMCPServersPermissions', revoke);
  v.status(res, 200);
  v.schema('response', S.roleSchema, res.data);
  v.equal('permissions.MCP_SERVERS.CREATE', res.data.permissions?.MCP_SERVERS?.CREATE, false);
  v.equal('permissions.MCP_SERVERS.USE (not in the update: unchanged)', res.data.permissions?.MCP_SERVERS?.USE, true);
  const attempt = await create(alice, userServerConfig({ title: 'Not Allowed' }));
  if (attempt.status === 201) {
    await bestEffortDelete(alice, attempt.data?.serverName);
  }
  v.equal('createMCPServer as alice once USER may not CREATE: status', attempt.status, 403);
  const restore = await call(admin, 'updateMCPServersPermissions', { roleName: 'USER', updates: { CREATE: true } });
  v.status(restore, 200);
  v.equal('restored MCP_SERVERS.CREATE', restore.data?.permissions?.MCP_SERVERS?.CREATE, true);
  const role = await call(alice, 'getRole', 'USER');
  v.equal("getRole('USER').permissions.MCP_SERVERS.CREATE after restoring", role.data?.permissions?.MCP_SERVERS?.CREATE, true);
  v.done();
});

// ============================================================================================
// Identity and errors
// ============================================================================================

check('no token → 401 with a message', async () => {
  const v = new Verdict('getMCPTools() without a token');
  const res = await call(null, 'getMCPTools');
  v.equal('status', res.status, 401);
  v.expect(typeof res.data?.message === 'string', `body.message: expected a string (LibreChat: {message: 'Unauthorized'}), got ${show(res.data)}`);
  v.done();
});

for (const [url, withToken] of [['/no-such-page', false], ['/api/no-such-route', true], ['/api/roles/USER/no-such-permission', true]]) {
  check(`404 outside /api/mcp uses the gateway's JSON error body: ${url}`, async () => {
    const v = new Verdict(`GET ${url}`);
    const res = await getRaw(withToken ? alice : null, url, { token: withToken });
    v.equal('status', res.status, 404);
    v.expect(String(res.headers['content-type'] ?? '').includes('application/json'),
      `Content-Type: expected application/json, got ${show(res.headers['content-type'])}`);
    v.expect(res.data && typeof res.data === 'object' && typeof res.data.error === 'string' && typeof res.data.message === 'string',
      () => `body: expected {error, message, requestId}, got ${show(res.data)}`);
    v.expect(!/not valid HTTP/i.test(String(res.data?.message)),
      () => `body.message: expected to say the route does not exist, got ${show(res.data?.message)}`);
    v.done();
  });
}
