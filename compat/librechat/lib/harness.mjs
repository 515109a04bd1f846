// Starts what the suite talks to — the real MCP peers from .peers/ and a real gateway from
// ./portcullis — on free loopback ports with a scratch directory, and always stops them again.
//
// Every child is started in its own process group (detached), so stopping one stops whatever it
// started too (the gateway's stdio servers). Stopping is SIGTERM, then SIGKILL after a grace
// period; an 'exit' handler SIGKILLs whatever is left if the suite dies on the way.
import { spawn, execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(process.env.PORTCULLIS_ROOT ?? path.join(here, '..', '..', '..'));
export const PEERS = path.resolve(process.env.PORTCULLIS_PEERS ?? path.join(ROOT, '.peers'));
export const REPORT_DIR = path.resolve(process.env.LIBRECHAT_COMPAT_OUT ?? path.join(ROOT, 'target', 'librechat-compat'));

const EVERYTHING = path.join(PEERS, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const SDK_DEMO = path.join(PEERS, 'node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js');

const running = new Set();
const scratchDirs = new Set();

process.on('exit', () => {
  for (const child of running) {
    killGroup(child, 'SIGKILL');
  }
  for (const dir of scratchDirs) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of running) {
      killGroup(child, 'SIGKILL');
    }
    process.exit(130);
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port, host) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The last lines of a log file, for failure messages. */
export function tail(file, lines = 60) {
  try {
    const all = fs.readFileSync(file, 'utf8').split('\n');
    return all.slice(Math.max(0, all.length - lines)).join('\n');
  } catch (e) {
    return `(no log: ${e.message})`;
  }
}

/** A child process in its own group, its output in `log`; registered for cleanup. */
export function start(name, command, args, { env, cwd, log }) {
  const out = fs.openSync(log, 'a');
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.name = name;
  child.log = log;
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.exitInfo = null;
  child.exited.then((info) => {
    child.exitInfo = info;
    running.delete(child);
  });
  child.once('error', (e) => {
    child.exitInfo = { code: null, signal: null, error: e.message };
  });
  running.add(child);
  return child;
}

export async function waitUntil(child, what, within, probe) {
  const end = Date.now() + within;
  while (Date.now() < end) {
    if (child.exitInfo) {
      throw new Error(`${child.name} exited (${JSON.stringify(child.exitInfo)}) before ${what}; log ${child.log}:\n${tail(child.log)}`);
    }
    if (await probe()) {
      return;
    }
    await sleep(200);
  }
  throw new Error(`${child.name}: no ${what} within ${within / 1000} s; log ${child.log}:\n${tail(child.log)}`);
}

/** Stops a child and its group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(child, graceMs = 8000) {
  if (!child || child.exitInfo) {
    return;
  }
  killGroup(child, 'SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout');
  if ((await Promise.race([child.exited, timer])) === 'timeout') {
    killGroup(child, 'SIGKILL');
    await Promise.race([child.exited, sleep(3000)]);
  }
  // Whatever the leader left behind in its group (a stdio server that ignored SIGTERM).
  killGroup(child, 'SIGKILL');
}

/** Fails loudly when a peer the suite needs is not installed: a skipped peer would hide a regression. */
export function requirePeers() {
  const missing = [EVERYTHING, SDK_DEMO].filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new Error(`MCP peers missing (run scripts/peers.sh): ${missing.join(', ')}`);
  }
}

/** A minimal environment for a peer: PATH only, plus what it needs. */
function peerEnv(extra) {
  return { PATH: process.env.PATH, ...extra };
}

export async function startEverythingHttp(scratch) {
  const port = await freePort();
  const child = start('server-everything (streamableHttp)', process.execPath, [EVERYTHING, 'streamableHttp'], {
    env: peerEnv({ PORT: String(port) }),
    cwd: scratch,
    log: path.join(scratch, 'everything-http.log'),
  });
  await waitUntil(child, `listening on ${port}`, 30_000, () => canConnect(port, '127.0.0.1'));
  // Operator servers reach it at 127.0.0.1 (mcpSettings.allowedAddresses); servers users add, at
  // localhost (mcpSettings.allowedDomains), the way the Java tests reach loopback peers.
  return { child, port, url: `http://127.0.0.1:${port}/mcp`, localhostUrl: `http://localhost:${port}/mcp` };
}

/** The SDK's OAuth demo: an MCP server at localhost:<mcp>/mcp and an auto-approving authorization server. */
export async function startOAuthDemo(scratch) {
  const mcpPort = await freePort();
  let authPort = await freePort();
  while (authPort === mcpPort) {
    authPort = await freePort();
  }
  const child = start('SDK OAuth demo', process.execPath, [SDK_DEMO, '--oauth'], {
    env: peerEnv({ MCP_PORT: String(mcpPort), MCP_AUTH_PORT: String(authPort) }),
    cwd: scratch,
    log: path.join(scratch, 'oauth-demo.log'),
  });
  await waitUntil(child, `listening on ${mcpPort} and ${authPort}`, 30_000,
    async () => (await canConnect(mcpPort, 'localhost')) && (await canConnect(authPort, 'localhost')));
  return { child, mcpPort, authPort, url: `http://localhost:${mcpPort}/mcp` };
}

/** The gateway configuration: LibreChat's keys wherever LibreChat has one. */
export function gatewayYaml({ port, dataDir, secret, encryptionKey, everythingHttp, oauthDemo }) {
  const q = JSON.stringify; // JSON strings are YAML strings
  return `# Generated by compat/librechat for one run.
server:
  host: 127.0.0.1
  port: ${port}
  publicUrl: ${q(`http://127.0.0.1:${port}`)}
  shutdownTimeout: 3000
storage:
  dataDir: ${q(dataDir)}
auth:
  secret: ${q(secret)}
encryption:
  key: ${q(encryptionKey)}
mcpSettings:
  allowedDomains: ['localhost']
  allowedAddresses: [${q(`127.0.0.1:${everythingHttp.port}`)}]
interface:
  mcpServers:
    use: true
    create: true
    share: true
    public: true
  # the sharing dialog's people picker, as a deployment that lets users share with people enables it
  peoplePicker:
    users: true
    groups: false
    roles: true
mcpServers:
  everything:
    title: Everything
    description: The MCP reference server over stdio
    command: ${q(process.execPath)}
    args: [${q(EVERYTHING)}, stdio]
    initTimeout: 60000
  everything-http:
    type: streamable-http
    title: Everything HTTP
    description: The MCP reference server over Streamable HTTP
    url: ${q(everythingHttp.url)}
  demo-oauth:
    type: streamable-http
    title: OAuth Demo
    url: ${q(oauthDemo.url)}
    startup: false
  vars:
    type: streamable-http
    title: Per user key
    url: ${q(everythingHttp.url)}
    headers:
      X-Api-Key: '{{API_KEY}}'
    customUserVars:
      API_KEY:
        title: API key
        description: Your key
        sensitive: true
`;
}

/** Starts `./portcullis serve --config <file>` and waits for /healthz. */
export async function startGateway(scratch, peers) {
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const encryptionKey = randomBytes(32).toString('base64');
  const config = path.join(scratch, 'portcullis.yaml');
  fs.writeFileSync(config, gatewayYaml({
    port, dataDir: path.join(scratch, 'data'), secret, encryptionKey, ...peers,
  }));
  const child = start('gateway', path.join(ROOT, 'portcullis'), ['serve', '--config', config], {
    env: { ...process.env },
    cwd: scratch,
    log: path.join(scratch, 'gateway.log'),
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(child, base);
  return { child, port, base, config, secret };
}

/**
 * Waits until a started gateway answers /healthz. The launcher builds the jar when it is missing or
 * stale (the suites' scripts build it first), hence the long bound.
 */
export async function waitForHealth(child, base) {
  await waitUntil(child, 'answer on /healthz', 300_000, async () => {
    try {
      return (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  });
}

/** `./portcullis token ...` against the generated configuration. */
export function portcullisToken(config, args) {
  return new Promise((resolve, reject) => {
    execFile(path.join(ROOT, 'portcullis'), ['token', '--config', config, ...args], { timeout: 120_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`portcullis token failed: ${err.message}\n${stderr}`)) : resolve(stdout.trim())));
  });
}

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * A token as LibreChat's `generateToken` signs it (@librechat/data-schemas 0.0.71):
 * `jwt.sign({id, username, provider, email}, JWT_SECRET, {expiresIn})` — HS256, plus iat and exp.
 * No role, name or groups: LibreChat loads those from its database.
 */
export function libreChatToken(secret, { id, username, provider, email }, ttlSeconds = 3600) {
  const iat = Math.floor(Date.now() / 1000);
  const payload = { id, username, provider, email, iat, exp: iat + ttlSeconds };
  const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8')).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** A Mongo-ObjectId-shaped id (24 hex digits), as LibreChat's user ids are. */
export const objectId = () => randomBytes(12).toString('hex');

/** A scratch directory, removed when the process exits. */
export function scratchDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-librechat-'));
  scratchDirs.add(dir);
  return dir;
}
