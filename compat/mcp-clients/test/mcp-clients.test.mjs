// Real MCP clients against Portcullis' front door: the TypeScript SDK's client (pinned) and the MCP
// Inspector's CLI, through /mcp (every server, as one) and /mcp/{server}, with a bearer token, and
// a service credential as LibreChat with its own login would use it. Every child runs on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, ElicitationCompleteNotificationSchema,
  ToolListChangedNotificationSchema, McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { SERVICE_KEY, requirePeers, scratchDir, startAll, stop, tail } from '../lib/gateway.mjs';
import { startBrowser } from '../lib/browser.mjs';

let env;
let scratch;
const clients = [];

before(async () => {
  requirePeers();
  scratch = scratchDir();
  env = await startAll(scratch);
});

after(async () => {
  for (const c of clients) {
    await c.close().catch(() => {});
  }
  if (env) {
    await stop(env.gateway);
    for (const child of env.children) {
      await stop(child);
    }
  }
});

/** The client's root: a folder of the run's scratch directory, as an editor would offer its workspace. */
const projectRoot = () => pathToFileURL(path.join(scratch, 'project')).href;

const FULL = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };

/**
 * What a person filling in an elicitation form answers: a valid value for every field (the gateway checks an
 * accepted form against its schema, as a client should), with `text` wherever free text goes.
 */
function formAnswer(requestedSchema, text) {
  const choice = (schema) => schema.enum?.[0] ?? (schema.oneOf ?? schema.anyOf)?.[0]?.const;
  const content = {};
  for (const [name, schema] of Object.entries(requestedSchema?.properties ?? {})) {
    if (schema.type === 'boolean') content[name] = true;
    else if (schema.type === 'number' || schema.type === 'integer') content[name] = schema.minimum ?? 3;
    else if (schema.type === 'array') content[name] = [choice(schema.items ?? {})].filter((v) => v !== undefined);
    else content[name] = choice(schema) ?? text;
  }
  return content;
}

/** An SDK client at an endpoint, with the given capabilities and handlers answering as a person would. */
async function connect(user, endpoint = '/mcp', { capabilities = FULL, headers } = {}) {
  const token = user ? await env.token(user) : undefined;
  const client = new Client({ name: 'compat', version: '1.0.0' }, { capabilities });
  client.asked = [];
  client.notified = [];
  if (capabilities.sampling) {
    client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
      client.asked.push(req);
      return { role: 'assistant', content: { type: 'text', text: 'a sampled answer' }, model: 'compat-model', stopReason: 'endTurn' };
    });
  }
  if (capabilities.elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      client.asked.push(req);
      if (req.params.mode === 'url') {
        return { action: 'accept' };
      }
      return { action: 'accept', content: formAnswer(req.params.requestedSchema, 'from the client') };
    });
  }
  if (capabilities.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async (req) => {
      client.asked.push(req);
      return { roots: [{ uri: projectRoot(), name: 'project' }] };
    });
  }
  client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => client.notified.push(n));
  client.setNotificationHandler(ToolListChangedNotificationSchema, (n) => client.notified.push(n));
  const transport = new StreamableHTTPClientTransport(new URL(env.base + endpoint), {
    requestInit: { headers: headers ?? { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const text = (result) => result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

async function waitFor(what, probe, within = 20_000) {
  const end = Date.now() + within;
  while (Date.now() < end) {
    if (await probe()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`no ${what} within ${within / 1000} s`);
}

test('without a token: 401 naming the protected-resource metadata, which names the resource', async () => {
  const r = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(r.status, 401);
  const challenge = r.headers.get('www-authenticate');
  const url = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
  assert.equal(url, `${env.base}/.well-known/oauth-protected-resource/mcp`);
  const doc = await (await fetch(url)).json();
  assert.equal(doc.resource, `${env.base}/mcp`);
  const one = await (await fetch(`${env.base}/.well-known/oauth-protected-resource/mcp/everything`)).json();
  assert.equal(one.resource, `${env.base}/mcp/everything`);
});

test('a browser origin not allowed, and a foreign Host, are refused (DNS-rebinding protection)', async () => {
  const token = await env.token('alice');
  const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const evil = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { ...headers, Origin: 'https://evil.example' }, body: init });
  assert.equal(evil.status, 403);
  assert.equal((await evil.json()).error, 'ORIGIN_NOT_ALLOWED');
  const allowed = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { ...headers, Origin: 'https://console.example' }, body: init });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://console.example');
  // fetch will not send another Host: ask with a raw request, as a rebound DNS name would arrive
  const status = await new Promise((resolve, reject) => {
    const { port } = new URL(env.base);
    import('node:http').then(({ request }) => {
      const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { ...headers, Host: 'evil.example' } },
        (res) => { res.resume(); resolve(res.statusCode); });
      req.on('error', reject);
      req.end(init);
    });
  });
  assert.equal(status, 403);
});

test('the SDK client lists every server through /mcp with names the model APIs accept, and calls echo', async () => {
  const client = await connect('alice');
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const name of names) {
    assert.match(name, /^[a-zA-Z0-9_-]{1,64}$/);
  }
  assert.ok(names.includes('everything__echo'), names.join(', '));
  assert.ok(names.includes('everything-http__echo'));
  assert.ok(names.includes('probe__wait'));
  const standIn = tools.find((t) => t.name === 'demo-oauth__authorize');
  assert.ok(standIn, 'a server the user has not authorized at is offered as a stand-in');
  assert.equal(standIn._meta['dev.portcullis/authorization'].server, 'demo-oauth');
  const echo = tools.find((t) => t.name === 'everything__echo');
  assert.deepEqual(echo.annotations?.readOnlyHint, true, 'annotations pass through');
  assert.equal(text(await client.callTool({ name: 'everything__echo', arguments: { message: 'hi' } })), 'Echo: hi');
  assert.equal(text(await client.callTool({ name: 'everything-http__echo', arguments: { message: 'over http' } })),
    'Echo: over http');
  const invalid = await client.callTool({ name: 'everything__echo', arguments: { message: 7 } });
  assert.equal(invalid.isError, true, 'arguments that do not match the schema come back as a tool error');
});

test('/mcp/{server}: names unchanged; echo, a resource, a prompt, completion, ping, log level', async () => {
  const client = await connect('alice', '/mcp/everything-http');
  assert.equal(client.getServerVersion().name, 'mcp-servers/everything');
  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === 'echo'));
  assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'direct name' } })), 'Echo: direct name');
  const { resources } = await client.listResources();
  assert.ok(resources.length > 0);
  const read = await client.readResource({ uri: resources[0].uri });
  assert.equal(read.contents[0].uri, resources[0].uri);
  const { prompts } = await client.listPrompts();
  const simple = prompts.find((p) => p.name === 'simple-prompt');
  assert.ok(simple);
  const prompt = await client.getPrompt({ name: 'simple-prompt' });
  assert.ok(prompt.messages.length > 0);
  const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' },
    argument: { name: 'department', value: 'E' } });
  assert.ok(Array.isArray(completion.completion.values));
  await client.ping();
  await client.setLoggingLevel('warning');
});

test('through the aggregate: a resource read and a template, a prompt, completion', async () => {
  const client = await connect('alice');
  const resources = [];
  let cursor;
  let pages = 0;
  do {
    const page = await client.listResources(cursor ? { cursor } : {});
    resources.push(...page.resources);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 20);
  assert.ok(pages >= 2, 'the aggregate pages server by server');
  assert.equal(new Set(resources.map((r) => r.uri)).size, resources.length, 'no resource twice');
  const mine = resources.find((r) => r.uri.startsWith('portcullis://everything-http/'));
  assert.ok(mine, resources.map((r) => r.uri).slice(0, 5).join(', '));
  const read = await client.readResource({ uri: mine.uri });
  assert.equal(read.contents[0].uri, mine.uri, 'the answer names the resource as the aggregate does');
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.ok(resourceTemplates.some((t) => t.uriTemplate.startsWith('portcullis://everything')));
  const prompt = await client.getPrompt({ name: 'everything__args-prompt', arguments: { city: 'Paris' } });
  assert.match(JSON.stringify(prompt.messages), /Paris/);
  const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' },
    argument: { name: 'department', value: 'E' } });
  assert.ok(completion.completion.values.length > 0);
});

test('progress reaches the client, and a cancellation reaches the upstream server', async () => {
  const client = await connect('alice');
  const progress = [];
  const result = await client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 1, steps: 3 } },
    undefined, { onprogress: (p) => progress.push(p) });
  assert.ok(progress.length >= 2, `progress notifications: ${JSON.stringify(progress)}`);
  assert.match(text(result), /completed/i);

  const before = Number(text(await client.callTool({ name: 'probe__cancellations', arguments: {} })));
  const controller = new AbortController();
  const waiting = client.callTool({ name: 'probe__wait', arguments: {} }, undefined, { signal: controller.signal });
  await new Promise((r) => setTimeout(r, 500));
  controller.abort('the user pressed stop');
  await assert.rejects(waiting);
  await waitFor('the cancellation at the probe server', async () =>
    Number(text(await client.callTool({ name: 'probe__cancellations', arguments: {} }))) === before + 1);
});

test('sampling, form elicitation, URL elicitation and roots round-trip to the client that called', async () => {
  const client = await connect('alice');
  const other = await connect('alice');
  const sampled = await client.callTool({ name: 'everything-http__trigger-sampling-request', arguments: { prompt: 'hello' } });
  assert.match(JSON.stringify(sampled), /a sampled answer/);
  const elicited = await client.callTool({ name: 'everything-http__trigger-elicitation-request', arguments: {} });
  assert.match(JSON.stringify(elicited), /from the client|accept/);
  const url = await client.callTool({ name: 'everything-http__trigger-url-elicitation',
    arguments: { url: 'https://example.com/approve', message: 'Approve it' } });
  assert.ok(!url.isError, JSON.stringify(url));
  assert.ok(client.asked.some((r) => r.params?.mode === 'url' && r.params.url === 'https://example.com/approve'));
  // Roots: a server asks for them when it starts, outside any call — on a user's own connection
  // (a header from the user's id makes it one) the user's client is asked.
  await waitFor('the roots at the server', async () => JSON.stringify(
    await client.callTool({ name: 'everything-mine__get-roots-list', arguments: {} })).includes(projectRoot()));
  const shared = await client.callTool({ name: 'everything-http__get-roots-list', arguments: {} });
  assert.ok(!JSON.stringify(shared).includes(projectRoot()), "a shared connection never gets one client's roots");
  assert.ok(client.asked.some((r) => r.method === 'sampling/createMessage'));
  assert.equal(other.asked.length, 0, 'another session of the same user was never asked');
});

test('on a shared stdio connection a server request is refused, not guessed at', async () => {
  // stdio cannot say which call a request belongs to; the shared (app) connection is every user's
  const client = await connect('alice');
  const r = await client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'x' } })
    .catch((e) => ({ thrown: e }));
  assert.match(JSON.stringify(r.thrown?.message ?? r), /does not support sampling/i);
  assert.equal(client.asked.length, 0);
});

test('a client without the capability: the server gets the error the specification prescribes', async () => {
  const client = await connect('alice', '/mcp', { capabilities: {} });
  const r = await client.callTool({ name: 'everything-http__trigger-sampling-request', arguments: { prompt: 'x' } })
    .catch((e) => ({ thrown: e }));
  assert.match(JSON.stringify(r.thrown?.message ?? r), /does not support sampling/i);
});

test('an upstream URLElicitationRequiredError (-32042) reaches the client unchanged', async () => {
  const client = await connect('alice');
  const e = await client.callTool({ name: 'probe__url-required', arguments: {} }).then(() => null, (err) => err);
  assert.ok(e instanceof McpError, String(e));
  assert.equal(e.code, -32042);
  assert.equal(e.data.elicitations[0].url, 'https://example.com/connect');
});

test('sessions belong to their user; DELETE ends one', async () => {
  const client = await connect('alice');
  const sessionId = client.transport.sessionId;
  const bob = await env.token('bob');
  const r = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { Authorization: `Bearer ${bob}`, 'Content-Type': 'application/json',
    'Mcp-Session-Id': sessionId, Accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }) });
  assert.equal(r.status, 404, 'another user cannot use the session');
  await client.transport.terminateSession();
  const alice = await env.token('alice');
  const gone = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json',
    'Mcp-Session-Id': sessionId, Accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/list' }) });
  assert.equal(gone.status, 404);
});

test('OAuth end to end: URL elicitation, a browser completes it, the call works; another user is unaffected', async () => {
  const alice = await connect('carol');
  const bob = await connect('dave');
  const e = await alice.callTool({ name: 'demo-oauth__greet', arguments: { name: 'Carol' } }).then(() => null, (err) => err);
  assert.ok(e instanceof McpError && e.code === -32042, `expected URL elicitation, got ${e}`);
  const [elicitation] = e.data.elicitations;
  assert.equal(elicitation.mode, 'url');
  assert.match(elicitation.url, /\/api\/mcp\/demo-oauth\/oauth\/link\//);
  const browser = await startBrowser(scratch);
  try {
    await browser.open(elicitation.url);
    const confirm = await browser.source();
    assert.match(confirm, /Portcullis account <strong>carol<\/strong>/, 'the page names whose account it is');
    await browser.click('#continue');
    await waitFor('the success page', async () => /Authorized/.test(await browser.source()));
    await browser.open(elicitation.url);
    assert.match(await browser.source(), /Link expired/, 'a link works once');
  } finally {
    await browser.close();
  }
  await waitFor('notifications/elicitation/complete', () =>
    alice.notified.some((n) => n.method === 'notifications/elicitation/complete' && n.params.elicitationId === elicitation.elicitationId));
  assert.ok(alice.notified.some((n) => n.method === 'notifications/tools/list_changed'));
  assert.match(text(await alice.callTool({ name: 'demo-oauth__greet', arguments: { name: 'Carol' } })), /Carol/);
  const bobTools = (await bob.listTools()).tools.map((t) => t.name);
  assert.ok(bobTools.includes('demo-oauth__authorize') && !bobTools.includes('demo-oauth__greet'), bobTools.join(', '));
});

test('a client without URL elicitation gets the link in a tool error', async () => {
  const client = await connect('erin', '/mcp', { capabilities: { sampling: {} } });
  const r = await client.callTool({ name: 'demo-oauth__authorize', arguments: {} });
  assert.equal(r.isError, true);
  assert.match(text(r), /open http:\/\/127\.0\.0\.1:\d+\/api\/mcp\/demo-oauth\/oauth\/link\/[A-Za-z0-9_-]{43} in your browser/);
});

test('a service credential acts for the user it names, at the MCP endpoints only', async () => {
  const client = await connect(null, '/mcp/everything', {
    headers: { Authorization: `Bearer ${SERVICE_KEY}`, 'X-Portcullis-User': '65f0c1d2e3f4a5b6c7d8e9f0' },
  });
  assert.equal(text(await client.callTool({ name: 'echo', arguments: { message: 'as the user' } })), 'Echo: as the user');
  const rest = await fetch(`${env.base}/api/mcp/tools`, { headers: { Authorization: `Bearer ${SERVICE_KEY}`,
    'X-Portcullis-User': '65f0c1d2e3f4a5b6c7d8e9f0' } });
  assert.equal(rest.status, 403, 'the user header is refused at the REST API');
  const restNoHeader = await fetch(`${env.base}/api/mcp/tools`, { headers: { Authorization: `Bearer ${SERVICE_KEY}` } });
  assert.equal(restNoHeader.status, 401, 'the key is no token at the REST API');
  const token = await env.token('alice');
  const impersonate = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { Authorization: `Bearer ${token}`,
    'X-Portcullis-User': 'bob', 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
  assert.equal(impersonate.status, 403, "a user's token cannot name another user");
  const noUser = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { Authorization: `Bearer ${SERVICE_KEY}`,
    'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
  assert.equal(noUser.status, 401);
});

function inspector(args) {
  const node = process.env.NODE22 ?? process.execPath;
  const cli = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', '@modelcontextprotocol',
    'inspector', 'clients', 'launcher', 'build', 'index.js');
  return new Promise((resolve, reject) => {
    execFile(node, [cli, '--cli', ...args], { timeout: 120_000 }, (err, stdout, stderr) =>
      (err ? reject(new Error(`inspector ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

test('the MCP Inspector CLI lists tools, calls echo, reads a resource and gets a prompt', async () => {
  const token = await env.token('alice');
  const common = [`${env.base}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${token}`];
  const listed = JSON.parse(await inspector([...common, '--method', 'tools/list']));
  assert.ok(listed.tools.some((t) => t.name === 'everything__echo'));
  const called = JSON.parse(await inspector([...common, '--method', 'tools/call', '--tool-name', 'everything__echo',
    '--tool-arg', 'message=from the inspector']));
  assert.equal(called.content[0].text, 'Echo: from the inspector');
  const one = [`${env.base}/mcp/everything`, '--transport', 'http', '--header', `Authorization: Bearer ${token}`];
  const read = JSON.parse(await inspector([...one, '--method', 'resources/read', '--uri', 'demo://resource/static/document/architecture.md']));
  assert.match(read.contents[0].text, /Architecture/);
  const prompt = JSON.parse(await inspector([...one, '--method', 'prompts/get', '--prompt-name', 'simple-prompt']));
  assert.ok(prompt.messages.length > 0);
});

test('a stateless 2026-07-28 client gets input_required for a session server that asks, and its retry finishes the call', async () => {
  const token = await env.token('alice');
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
    'io.modelcontextprotocol/clientInfo': { name: 'stateless', version: '1' } };
  const post = async (id, params) => {
    const r = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call',
      'Mcp-Name': params.name }, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { ...params, _meta: meta } }) });
    assert.equal(r.status, 200);
    return r.json();
  };
  const first = await post(1, { name: 'everything-http__trigger-elicitation-request', arguments: {} });
  assert.equal(first.result.resultType, 'input_required', JSON.stringify(first));
  const [key, request] = Object.entries(first.result.inputRequests)[0];
  assert.equal(request.method, 'elicitation/create');
  const content = formAnswer(request.params.requestedSchema, 'from the stateless client');
  const bob = await env.token('bob');
  const stolen = await fetch(`${env.base}/mcp`, { method: 'POST', headers: { Authorization: `Bearer ${bob}`, 'Content-Type': 'application/json',
    'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'everything-http__trigger-elicitation-request' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'everything-http__trigger-elicitation-request',
    arguments: {}, requestState: first.result.requestState, inputResponses: {}, _meta: meta } }) });
  assert.equal(stolen.status, 400, "another user cannot continue the request");
  const done = await post(2, { name: 'everything-http__trigger-elicitation-request', arguments: {},
    inputResponses: { [key]: { action: 'accept', content } }, requestState: first.result.requestState });
  assert.equal(done.id, 2);
  assert.equal(done.result.resultType, 'complete');
  assert.match(JSON.stringify(done.result.content), /from the stateless client|accept/);
});

test('a 2026-07-28 client listens with subscriptions/listen and hears a list change, tagged, as it asked', async () => {
  const token = await env.token('frank');
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const controller = new AbortController();
  const r = await fetch(`${env.base}/mcp`, { method: 'POST', signal: controller.signal, headers: { Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28',
    'Mcp-Method': 'subscriptions/listen' }, body: JSON.stringify({ jsonrpc: '2.0', id: 'listen-1', method: 'subscriptions/listen',
    params: { notifications: { toolsListChanged: true }, _meta: meta } }) });
  assert.equal(r.status, 200);
  const frames = [];
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        const lines = buffer.split('\n');
        buffer = lines.pop();
        for (const line of lines) {
          if (line.startsWith('data: ')) frames.push(JSON.parse(line.slice(6)));
        }
      }
    } catch {
      // aborted
    }
  })();
  await waitFor('the acknowledgement', async () => frames.length > 0);
  assert.equal(frames[0].method, 'notifications/subscriptions/acknowledged');
  assert.equal(frames[0].params._meta['io.modelcontextprotocol/subscriptionId'], 'listen-1');
  assert.deepEqual(frames[0].params.notifications, { toolsListChanged: true });
  // frank adds a server of his own: the servers he may use changed
  const created = await fetch(`${env.base}/api/mcp/servers`, { method: 'POST', headers: { Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json' }, body: JSON.stringify({ config: { type: 'streamable-http', title: 'Franks echo',
    url: env.everythingUrl } }) });
  assert.equal(created.status, 201, await created.text());
  await waitFor('a tools/list_changed on the listen stream', async () => frames.some((f) => f.method === 'notifications/tools/list_changed'));
  const change = frames.find((f) => f.method === 'notifications/tools/list_changed');
  assert.equal(change.params._meta['io.modelcontextprotocol/subscriptionId'], 'listen-1');
  assert.ok(!frames.some((f) => f.method === 'notifications/prompts/list_changed'), 'only what was asked for');
  controller.abort();
  await pump;
});

test('the gateway logged no failure of its own', () => {
  const log = fs.readFileSync(path.join(scratch, 'gateway.log'), 'utf8');
  const errors = log.split('\n').filter((l) => / ERROR /.test(l));
  assert.deepEqual(errors, [], tail(path.join(scratch, 'gateway.log')));
});
