// A headless Chromium driven over WebDriver (Debian's chromium and chromium-driver), loopback only:
// what a person does with an authorization link — open it, read the page, click, follow redirects.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { canConnect, freePort } from '../../librechat/lib/harness.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Chromium's binary: CHROMIUM_BINARY, else the chromium on PATH. */
function chromium() {
  return process.env.CHROMIUM_BINARY ?? execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
}

export async function startBrowser(scratch) {
  const port = await freePort();
  const log = fs.openSync(path.join(scratch, 'chromedriver.log'), 'a');
  const driver = spawn('chromedriver', [`--port=${port}`], { stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  for (let i = 0; i < 100 && !(await canConnect(port, '127.0.0.1')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, url, body) => {
    const r = await fetch(base + url, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
    const json = await r.json();
    if (!r.ok) {
      throw new Error(`WebDriver ${method} ${url}: ${JSON.stringify(json.value)}`);
    }
    return json.value;
  };
  const profile = fs.mkdtempSync(path.join(scratch, 'chromium-'));
  const session = await call('POST', '/session', { capabilities: { alwaysMatch: { browserName: 'chrome',
    'goog:chromeOptions': { binary: chromium(), args: ['--headless', '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      `--user-data-dir=${profile}`, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'] } } } });
  const id = session.sessionId;
  return {
    open: (url) => call('POST', `/session/${id}/url`, { url }),
    source: () => call('GET', `/session/${id}/source`),
    click: async (css) => {
      const element = await call('POST', `/session/${id}/element`, { using: 'css selector', value: css });
      await call('POST', `/session/${id}/element/${element[ELEMENT]}/click`, {});
    },
    close: async () => {
      await call('DELETE', `/session/${id}`).catch(() => {});
      try {
        process.kill(-driver.pid, 'SIGTERM');
      } catch {
        // gone
      }
    },
  };
}
