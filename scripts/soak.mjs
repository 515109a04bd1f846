#!/usr/bin/env node
// Soak test (not part of CI): runs the gateway with the example configuration plus four stdio servers
// and three remote ones (server-everything over Streamable HTTP and legacy SSE, the SDK's OAuth demo),
// drives a mixed load of users for a while, probes /healthz every second, and reports probe failures,
// probe latency, and the gateway's RSS and thread count at start and end. Ends with a SIGTERM and
// checks that the gateway and every child process it started are gone.
//
//   scripts/peers.sh && node scripts/soak.mjs [--minutes 30] [--users 6] [--out soak.json]
//
// Needs a JDK 25 (found like ./portcullis finds it) and the peers in .peers/ (scripts/peers.sh).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const MINUTES = Number(args.minutes ?? 30);
const USERS = Number(args.users ?? 6);
const OUT = args.out ?? null;
const EVERYTHING = join(ROOT, '.peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const OAUTH_DEMO = join(ROOT, '.peers/node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js');
for (const f of [EVERYTHING, OAUTH_DEMO]) {
  if (!existsSync(f)) { console.error(`soak: ${f} is missing; run scripts/peers.sh`); process.exit(1); }
}

const freePort = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
function start(cmd, argv, env, log) {
  const child = spawn(cmd, argv, { env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  child.stdout.on('data', (d) => log && chunks.push(d));
  child.stderr.on('data', (d) => log && chunks.push(d));
  child.log = () => Buffer.concat(chunks).toString();
  children.push(child);
  return child;
}
async function waitForPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => { const s = net.connect(port, '127.0.0.1', () => { s.end(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return; await sleep(100);
  }
  throw new Error(`nothing listens on ${port}`);
}
function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number((text.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm')) ?? [])[1]);
    return { rssMiB: Math.round(field('VmRSS') / 1024), threads: field('Threads') };
  } catch { return null; }
}
function descendants(pid) {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => {
    try { return { pid: Number(d), ppid: Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]) }; } catch { return null; }
  }).filter(Boolean);
  const out = []; const queue = [pid];
  while (queue.length) { const p = queue.shift(); for (const c of all.filter((x) => x.ppid === p)) { out.push(c.pid); queue.push(c.pid); } }
  return out;
}
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const percentile = (xs, p) => { if (!xs.length) return null; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };

// --- peers and configuration -------------------------------------------------------------------
const scratch = mkdtempSync(join(tmpdir(), 'portcullis-soak-'));
const [gatewayPort, httpPort, ssePort, demoPort, demoAuthPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
start('node', [EVERYTHING, 'streamableHttp'], { PORT: String(httpPort) });
start('node', [EVERYTHING, 'sse'], { PORT: String(ssePort) });
start('node', [OAUTH_DEMO, '--oauth'], { MCP_PORT: String(demoPort), MCP_AUTH_PORT: String(demoAuthPort) });
await Promise.all([waitForPort(httpPort), waitForPort(ssePort), waitForPort(demoPort), waitForPort(demoAuthPort)]);

const example = readFileSync(join(ROOT, 'portcullis.yaml'), 'utf8').replace(/^ {2}port: .*$/m, `  port: ${gatewayPort}`)
  .replace(/^ {2}publicUrl: .*$/m, `  publicUrl: http://localhost:${gatewayPort}`);
let extra = '';
for (let i = 1; i <= 4; i++) extra += `  stdio${i}:\n    command: node\n    args: ["${EVERYTHING}", "stdio"]\n    tools: {deny: [gzip-file-as-resource, get-env]}\n`;
extra += `  remoteHttp: {type: streamable-http, url: "http://127.0.0.1:${httpPort}/mcp", tools: {deny: [gzip-file-as-resource, get-env]}}\n`;
extra += `  remoteSse: {type: sse, url: "http://127.0.0.1:${ssePort}/sse", tools: {deny: [gzip-file-as-resource, get-env]}}\n`;
extra += `  oauthDemo: {type: streamable-http, url: "http://localhost:${demoPort}/mcp", startup: false}\n`;
const config = example.replace(/^mcpServers:\n/m, `mcpSettings:\n  allowedAddresses: ['127.0.0.1:${httpPort}', '127.0.0.1:${ssePort}', 'localhost:${demoPort}', 'localhost:${demoAuthPort}']\n\nmcpServers:\n${extra}`);
writeFileSync(join(scratch, 'portcullis.yaml'), config);

// --- the gateway ---------------------------------------------------------------------------------
const gateway = start(join(ROOT, 'portcullis'), ['serve', '--config', join(scratch, 'portcullis.yaml')], {
  PORTCULLIS_LOG_LEVEL: 'WARN', ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}) }, true);
const base = `http://127.0.0.1:${gatewayPort}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
  if (gateway.exitCode !== null || i > 600) { console.error(gateway.log()); throw new Error('the gateway did not start'); }
  await sleep(500);
}
const token = (user, role) => execFileSync(join(ROOT, 'portcullis'), ['token', '--config', join(scratch, 'portcullis.yaml'),
  '--user', user, '--role', role, '--ttl', `${MINUTES + 10}m`], { encoding: 'utf8' }).trim();
const users = Array.from({ length: USERS }, (_, i) => ({ id: `soak-${i}`, token: token(`soak-${i}`, i === 0 ? 'ADMIN' : 'USER') }));

// --- load ----------------------------------------------------------------------------------------
const servers = ['everything', 'stdio1', 'stdio2', 'stdio3', 'stdio4', 'remoteHttp', 'remoteSse'];
const counts = {}; const statuses = {};
const count = (op, status) => { counts[op] = (counts[op] ?? 0) + 1; statuses[`${op} ${status}`] = (statuses[`${op} ${status}`] ?? 0) + 1; };
async function request(user, method, path, body) {
  const r = await fetch(base + path, { method, headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(120_000) });
  const text = await r.text();
  return { status: r.status, text };
}
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const ops = [
  [40, 'call', (u) => request(u, 'POST', `/api/mcp/${pick(servers)}/tools/echo/call`, { arguments: { message: 'soak' } })],
  [10, 'sum', (u) => request(u, 'POST', `/api/mcp/${pick(servers)}/tools/get-sum/call`, { arguments: { a: 1, b: 2 } })],
  [5, 'long call', (u) => request(u, 'POST', `/api/mcp/${pick(servers)}/tools/trigger-long-running-operation/call`, { arguments: { duration: 2, steps: 2 } })],
  [15, 'list tools', (u) => request(u, 'GET', '/api/mcp/tools')],
  [10, 'connection status', (u) => request(u, 'GET', '/api/mcp/connection/status')],
  [5, 'reinitialize', (u) => request(u, 'POST', `/api/mcp/${pick(servers)}/reinitialize`)],
  [15, 'oauth status', async (u) => {
    const first = await request(u, 'POST', '/api/mcp/oauthDemo/tools/greet/call', { arguments: { name: 'soak' } });
    const flowId = (() => { try { return JSON.parse(first.text).flowId; } catch { return null; } })();
    return flowId ? request(u, 'GET', `/api/mcp/oauth/status/${encodeURIComponent(flowId)}`) : first;
  }],
];
const weights = ops.reduce((s, [w]) => s + w, 0);
const deadline = Date.now() + MINUTES * 60_000;
let stopping = false;
async function userLoop(user) {
  while (!stopping && Date.now() < deadline) {
    let r = Math.random() * weights; const [, name, run] = ops.find(([w]) => (r -= w) < 0);
    try {
      const r = await run(user);
      count(name, r.status);
      if (r.status >= 500 && r.status !== 502 && r.status !== 504) console.error(`soak: ${name} answered ${r.status}: ${r.text.slice(0, 300)}`);
    } catch (e) { count(name, `error ${e.name}`); }
    await sleep(50 + Math.random() * 200);
  }
}
const probes = []; let probeFailures = 0;
async function probeLoop() {
  while (!stopping && Date.now() < deadline) {
    const t0 = performance.now();
    try {
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) });
      await r.text();
      if (r.status !== 200) probeFailures++; else probes.push(performance.now() - t0);
    } catch { probeFailures++; }
    await sleep(Math.max(0, 1000 - (performance.now() - t0)));
  }
}
const javaPid = gateway.pid;
const samples = [{ minute: 0, ...procStatus(javaPid) }];
const sampler = setInterval(() => samples.push({ minute: Math.round((Date.now() - (deadline - MINUTES * 60_000)) / 60_000), ...procStatus(javaPid) }), 60_000);
console.error(`soak: ${USERS} users for ${MINUTES} min against ${base} (data in ${scratch})`);
await Promise.all([probeLoop(), ...users.map(userLoop)]);
stopping = true;
clearInterval(sampler);
samples.push({ minute: MINUTES, ...procStatus(javaPid) });

// --- stop ----------------------------------------------------------------------------------------
const tree = descendants(javaPid);
const t0 = Date.now();
process.kill(javaPid, 'SIGTERM');
while (alive(javaPid) && Date.now() - t0 < 60_000) await sleep(100);
const stopMs = Date.now() - t0;
await sleep(500);
const leftOver = tree.filter(alive);
for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } }

writeFileSync(join(scratch, 'gateway.log'), gateway.log());
const summary = {
  gatewayLog: join(scratch, 'gateway.log'),
  minutes: MINUTES, users: USERS,
  probes: { sent: probes.length + probeFailures, failures: probeFailures,
    p50ms: +percentile(probes, 50)?.toFixed(2), p99ms: +percentile(probes, 99)?.toFixed(2), maxms: +Math.max(...probes).toFixed(2) },
  rssMiB: { start: samples[0].rssMiB, end: samples.at(-1).rssMiB, max: Math.max(...samples.map((s) => s.rssMiB ?? 0)) },
  threads: { start: samples[0].threads, end: samples.at(-1).threads },
  requests: counts, statuses,
  stop: { exitedAfterMs: stopMs, exited: !alive(javaPid), childProcessesLeft: leftOver.length },
  samples,
};
console.log(JSON.stringify(summary, null, 2));
if (OUT) writeFileSync(OUT, JSON.stringify(summary, null, 2));
process.exit(probeFailures === 0 && leftOver.length === 0 && !alive(javaPid) ? 0 : 1);
