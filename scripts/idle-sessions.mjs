#!/usr/bin/env node
// Idle per-user sessions (not part of CI; the performance issue's memory target): N users each open their
// own session to one Streamable HTTP upstream through the gateway's REST call route, then leave them idle.
// Reports the gateway's RSS and threads after each step, and whether a new user's first call and an old
// user's call still answer promptly while they are held (no pool starvation). Ends with a SIGTERM.
//
//   node scripts/idle-sessions.mjs [--users 10000] [--concurrency 32] [--idle 60] [--out result.json]
//
// The upstream is a minimal stateful Streamable HTTP server in this script (initialize, tools/list with one
// tool, tools/call, a listening GET stream, DELETE), announcing tool-list changes so that every session
// would like a listening stream: what is measured is the gateway's cost per session, not a server's.
// Each user's connection is their own because the server's header carries {{LIBRECHAT_USER_ID}}.
// Needs a JDK 25 (found like ./portcullis finds it). The gateway runs with the defaults of `./portcullis serve`.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const USERS = Number(args.users ?? 10000);
const CONCURRENCY = Number(args.concurrency ?? 32);
const IDLE_SECONDS = Number(args.idle ?? 60);
const OUT = args.out ?? null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });

// --- the upstream ------------------------------------------------------------------------------------
const sessions = new Map(); // id -> { user, streams }
let upstreamRequests = 0;
const upstream = http.createServer((req, res) => {
  upstreamRequests++;
  const id = req.headers['mcp-session-id'];
  if (req.method === 'GET') {
    if (!sessions.has(id)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write(': open\n\n'); // held open, silent: an idle session's listening stream
    sessions.get(id).streams++;
    req.on('close', () => { const s = sessions.get(id); if (s) s.streams--; });
    return;
  }
  if (req.method === 'DELETE') { sessions.delete(id); res.writeHead(200).end(); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const message = JSON.parse(Buffer.concat(chunks).toString());
    if (message.id === undefined) { res.writeHead(202).end(); return; }
    const reply = (result, headers = {}) => {
      res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
    };
    if (message.method === 'initialize') {
      const session = randomUUID();
      sessions.set(session, { user: req.headers['x-user'], streams: 0 });
      reply({ protocolVersion: message.params.protocolVersion, capabilities: { tools: { listChanged: true } },
        serverInfo: { name: 'idle-upstream', version: '1' } }, { 'Mcp-Session-Id': session });
    } else if (!sessions.has(id)) {
      res.writeHead(404).end();
    } else if (message.method === 'tools/list') {
      reply({ tools: [{ name: 'echo', description: 'Echoes the message', inputSchema: { type: 'object',
        properties: { message: { type: 'string' } }, required: ['message'] } }] });
    } else if (message.method === 'tools/call') {
      reply({ content: [{ type: 'text', text: `Echo: ${message.params.arguments.message}` }] });
    } else {
      reply({});
    }
  });
});
upstream.keepAliveTimeout = 600_000;
upstream.headersTimeout = 0;
upstream.requestTimeout = 0;
const upstreamPort = await freePort();
await new Promise((ok) => upstream.listen(upstreamPort, '127.0.0.1', ok));

// --- the gateway -------------------------------------------------------------------------------------
const scratch = mkdtempSync(join(tmpdir(), 'portcullis-idle-'));
const gatewayPort = await freePort();
const secret = randomBytes(32).toString('hex');
writeFileSync(join(scratch, 'portcullis.yaml'), `server:
  host: 127.0.0.1
  port: ${gatewayPort}
  publicUrl: http://localhost:${gatewayPort}
storage:
  dataDir: ${join(scratch, 'data')}
auth:
  secret: ${secret}
upstream:
  maxConnections: ${USERS + 100}
mcpSettings:
  allowedAddresses: ['127.0.0.1:${upstreamPort}']
mcpServers:
  idle:
    type: streamable-http
    url: http://127.0.0.1:${upstreamPort}/mcp
    headers: {X-User: '{{LIBRECHAT_USER_ID}}'}
    startup: false
`);
const gateway = spawn(join(ROOT, 'portcullis'), ['serve', '--config', join(scratch, 'portcullis.yaml')],
  { env: { ...process.env, PORTCULLIS_LOG_LEVEL: 'WARN' }, stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
gateway.stdout.on('data', (d) => { log += d; });
gateway.stderr.on('data', (d) => { log += d; });
const base = `http://127.0.0.1:${gatewayPort}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* not yet */ }
  if (gateway.exitCode !== null || i > 1200) { console.error(log); throw new Error('the gateway did not start'); }
  await sleep(250);
}
// The JVM is the launcher's child (exec keeps the pid): its status is the gateway's.
function status() {
  const text = readFileSync(`/proc/${gateway.pid}/status`, 'utf8');
  const field = (name) => Number((text.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm')) ?? [])[1]);
  return { rssMiB: Math.round(field('VmRSS') / 1024), hwmMiB: Math.round(field('VmHWM') / 1024), threads: field('Threads') };
}
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
function token(user) {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ id: user, username: user, email: `${user}@example.test`,
    provider: 'local', iat: now, exp: now + 4 * 3600 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 4 });
function call(user, message = 'idle') {
  const body = JSON.stringify({ arguments: { message } });
  const t0 = performance.now();
  return new Promise((ok, fail) => {
    const req = http.request(`${base}/api/mcp/idle/tools/echo/call`, { method: 'POST', agent, headers: {
      Authorization: `Bearer ${token(user)}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
    (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, ms: performance.now() - t0, text: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(120_000, () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end(body);
  });
}

// --- the measurement ---------------------------------------------------------------------------------
const report = { users: USERS, concurrency: CONCURRENCY, idleSeconds: IDLE_SECONDS, steps: [] };
const step = (name, extra = {}) => {
  const s = { step: name, ...status(), upstreamSessions: sessions.size,
    listeningStreams: [...sessions.values()].reduce((n, s) => n + s.streams, 0), ...extra };
  report.steps.push(s);
  console.log(JSON.stringify(s));
};
step('ready');
const failures = {};
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < USERS) {
    const user = `user-${next++}`;
    try {
      const r = await call(user);
      if (r.status !== 200) failures[r.status] = (failures[r.status] ?? 0) + 1;
      if (r.status !== 200 && Object.values(failures).reduce((a, b) => a + b) <= 3) console.error(`${user}: ${r.status} ${r.text.slice(0, 300)}`);
    } catch (e) { failures[e.message] = (failures[e.message] ?? 0) + 1; }
  }
}));
step('opened', { seconds: Math.round((performance.now() - started) / 100) / 10, failures });
await sleep(IDLE_SECONDS * 1000);
step('idle');
// Starvation check: while every session is held, a new user connects and calls, and old users call again.
const probes = [];
for (let i = 0; i < 20; i++) probes.push(await call(i % 2 ? `late-${i}` : `user-${i * 97}`, 'probe'));
const ms = probes.map((p) => p.ms).sort((a, b) => a - b);
step('probed', { probeStatuses: [...new Set(probes.map((p) => p.status))], probeMedianMs: Math.round(ms[10] * 10) / 10,
  probeMaxMs: Math.round(ms[19] * 10) / 10 });
const stopAt = performance.now();
gateway.kill('SIGTERM');
await new Promise((r) => gateway.on('exit', r));
report.stopSeconds = Math.round((performance.now() - stopAt) / 100) / 10;
report.upstreamSessionsAfterStop = sessions.size;
console.log(JSON.stringify({ stopSeconds: report.stopSeconds, upstreamSessionsAfterStop: sessions.size }));
if (OUT) writeFileSync(OUT, JSON.stringify(report, null, 2));
upstream.closeAllConnections();
upstream.close();
agent.destroy();
