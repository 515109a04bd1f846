// LibreChat's own client, pointed at the gateway, plus what a check needs around it: who is
// calling, the browser's cookies, every answer's status, and failures that say exactly what differs.
//
// librechat-data-provider in Node (0.8.524): its BASE_URL is '' outside a browser, so every call is
// a relative path; the base URL goes on the package's axios instance — the default export of the
// one `axios` installed, imported here from ESM like the package's ESM build does (the CJS build
// would get a different instance). setTokenHeader() writes that instance's Authorization header.
// Without `window` the package installs no refresh/401 interceptors: a non-2xx simply rejects.
import axios from 'axios';
import { dataService, request, setTokenHeader, getTokenHeader } from 'librechat-data-provider';
import { isDeepStrictEqual, inspect } from 'node:util';

export { dataService, request };

let last; // the last gateway response seen, for the status and cookies a dataService call hides
let current; // the user whose token is set

/** Points the package at the gateway and checks it writes into the same axios instance. */
export function connect(baseURL) {
  axios.defaults.baseURL = baseURL;
  axios.defaults.timeout = 60_000;
  axios.interceptors.response.use((response) => {
    remember(response);
    return response;
  }, (error) => {
    if (error.response) {
      remember(error.response);
    }
    return Promise.reject(error);
  });
  setTokenHeader('probe');
  const same = axios.defaults.headers.common.Authorization === getTokenHeader();
  setTokenHeader(undefined);
  if (!same) {
    throw new Error('librechat-data-provider uses another axios instance than this suite: install exactly one axios (npm ci)');
  }
}

function remember(response) {
  last = response;
  const setCookies = response.headers?.['set-cookie'] ?? [];
  if (current) {
    for (const header of setCookies) {
      current.browser.store(header);
    }
  }
}

/** A user of the chat front end: a token and a browser (cookie jar). */
export class User {
  constructor(label, claims, token) {
    this.label = label;
    this.claims = claims;
    this.id = claims.id;
    this.token = token;
    this.browser = new CookieJar();
  }
}

/** Enough of a browser's cookie handling for the OAuth binding: name, value, path. */
class CookieJar {
  cookies = new Map();

  store(header) {
    const [pair, ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let cookiePath = '/';
    let expired = false;
    for (const attribute of attributes) {
      const [k, v = ''] = attribute.split('=');
      const key = k.trim().toLowerCase();
      if (key === 'path') {
        cookiePath = v.trim() || '/';
      } else if ((key === 'max-age' && Number(v) <= 0) || (key === 'expires' && Date.parse(v) < Date.now())) {
        expired = true;
      }
    }
    const id = `${name};${cookiePath}`;
    if (expired || value === '') {
      this.cookies.delete(id);
    } else {
      this.cookies.set(id, { name, value, path: cookiePath });
    }
  }

  /** The Cookie header a browser would send to `requestPath`. */
  header(requestPath) {
    return [...this.cookies.values()]
      .filter((c) => requestPath === c.path || requestPath.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  names() {
    return [...this.cookies.values()].map((c) => c.name);
  }
}

/** Makes `user` the caller of the next dataService calls (LibreChat's setTokenHeader). */
export function as(user) {
  current = user;
  setTokenHeader(user?.token);
}

export function caller() {
  return current;
}

/**
 * Calls dataService[name](...args) as `user`, never throwing on an HTTP answer:
 * `{status, data, headers, method, url}`; `ok` when 2xx.
 */
export async function call(user, name, ...args) {
  if (typeof dataService[name] !== 'function') {
    throw new Error(`librechat-data-provider 0.8.524 has no dataService.${name}`);
  }
  as(user);
  last = undefined;
  try {
    const data = await dataService[name](...args);
    return answer(last, data, true);
  } catch (error) {
    if (error.response) {
      return answer(error.response, error.response.data, false);
    }
    throw new Error(`dataService.${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) failed without an HTTP answer: ${error.code ?? ''} ${error.message}`);
  }
}

/** request.getResponse(url) as `user` (or as a browser without a token), redirects not followed. */
export async function getRaw(user, url, { cookies = false, token = true } = {}) {
  as(user);
  if (!token) {
    setTokenHeader(undefined);
  }
  const headers = {};
  if (cookies && user) {
    const cookie = user.browser.header(new URL(url, axios.defaults.baseURL).pathname);
    if (cookie) {
      headers.Cookie = cookie;
    }
  }
  try {
    const response = await request.getResponse(url, { maxRedirects: 0, validateStatus: () => true, headers });
    return answer(response, response.data, response.status >= 200 && response.status < 300);
  } finally {
    as(user);
  }
}

/** request.post(url, body) as `user` — for the gateway's tool-call route, which LibreChat calls server-side. */
export async function postRaw(user, url, body) {
  as(user);
  try {
    const data = await request.post(url, body);
    return answer(last, data, true);
  } catch (error) {
    if (error.response) {
      return answer(error.response, error.response.data, false);
    }
    throw error;
  }
}

function answer(response, data, ok) {
  return {
    ok,
    status: response?.status,
    data,
    headers: response?.headers ?? {},
    method: response?.config?.method?.toUpperCase(),
    url: response?.config?.url,
  };
}

const show = (value) => (value === undefined ? 'undefined' : inspect(value, { depth: 4, breakLength: Infinity, maxStringLength: 300 }));
export { show };

function pathText(path) {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

function valueAt(value, path) {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') {
      return undefined;
    }
    v = v[p];
  }
  return v;
}

function zodProblems(label, error, value) {
  const out = [];
  const walk = (issues) => {
    for (const issue of issues) {
      if (issue.code === 'invalid_union' && issue.unionErrors) {
        const branches = issue.unionErrors.map((e) => e.issues.map((i) => `${pathText(i.path) || '(root)'}: ${i.message}`).join(', '));
        out.push(`${label}${pathText(issue.path)}: matches no variant (${branches.join(' | ')}); actual ${show(valueAt(value, issue.path))}`);
      } else {
        out.push(`${label}${pathText(issue.path)}: ${issue.message}; actual ${show(valueAt(value, issue.path))}`);
      }
    }
  };
  walk(error.issues);
  return out;
}

/** A failed check: a message without a stack trace, so the report shows only what differs. */
export class CheckFailure extends Error {
  constructor(message) {
    super(message);
    this.stack = `CheckFailure: ${message}`;
  }
}
CheckFailure.prototype.name = 'CheckFailure';

/**
 * Collects every difference a check finds, then fails once with all of them:
 * `fn: what — expected X, got Y`.
 */
export class Verdict {
  constructor(subject) {
    this.subject = subject;
    this.problems = [];
  }

  /** The answer must have `status` (or any 2xx when omitted); stops the check when not. */
  status(res, expected) {
    const good = expected === undefined ? res.ok : [].concat(expected).includes(res.status);
    if (!good) {
      this.problems.push(`HTTP ${res.status} on ${res.method} ${res.url}; expected ${expected ?? '2xx'}; body ${show(res.data)}`);
      this.done();
    }
    return this;
  }

  /** Validates `value` with a zod schema; every issue becomes a problem naming the field. */
  schema(label, schema, value) {
    const result = schema.safeParse(value);
    if (!result.success) {
      this.problems.push(...zodProblems(label, result.error, value));
      return undefined;
    }
    return result.data;
  }

  expect(condition, problem) {
    if (!condition) {
      this.problems.push(typeof problem === 'function' ? problem() : problem);
    }
    return condition;
  }

  equal(what, actual, expected) {
    return this.expect(isDeepStrictEqual(actual, expected), () => `${what}: expected ${show(expected)}, got ${show(actual)}`);
  }

  /** A key LibreChat leaves out must be absent, not null. */
  absent(what, object, key) {
    return this.expect(object === null || typeof object !== 'object' || !Object.hasOwn(object, key),
      () => `${what}: expected no '${key}' key, got ${key}: ${show(object[key])}`);
  }

  /** Fails now with what was found so far: later steps depend on this one. */
  require(condition, problem) {
    if (!this.expect(condition, problem)) {
      this.done();
    }
  }

  done() {
    if (this.problems.length) {
      throw new CheckFailure(`${this.subject}:\n  - ${this.problems.join('\n  - ')}`);
    }
  }
}
