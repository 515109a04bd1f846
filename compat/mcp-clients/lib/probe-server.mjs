// A small MCP server for what server-everything cannot show from outside: whether a cancellation
// reached the server, and a tool that answers with URLElicitationRequiredError (-32042). Run as
// `node probe-server.mjs <port>`; Streamable HTTP at http://127.0.0.1:<port>/mcp, one session per client.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const port = Number(process.argv[2]);
let cancellations = 0;

function newServer() {
  const server = new McpServer({ name: 'probe', version: '1.0.0' });
  server.registerTool('wait', { description: 'Waits until cancelled (or 60 s)', inputSchema: {} }, async (_args, extra) => {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 60_000);
      extra.signal.addEventListener('abort', () => {
        cancellations += 1;
        clearTimeout(timer);
        resolve();
      });
    });
    return { content: [{ type: 'text', text: 'waited' }] };
  });
  server.registerTool('cancellations', { description: 'How many calls were cancelled', inputSchema: {} },
    async () => ({ content: [{ type: 'text', text: String(cancellations) }] }));
  server.registerTool('url-required', { description: 'Needs the user to visit a URL first', inputSchema: { note: z.string().optional() } },
    async () => {
      throw new UrlElicitationRequiredError([{ mode: 'url', elicitationId: 'probe-1', url: 'https://example.com/connect', message: 'Connect first' }]);
    });
  return server;
}

const transports = new Map();
http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
  const id = req.headers['mcp-session-id'];
  let transport = id ? transports.get(id) : undefined;
  if (!transport) {
    if (!(body && body.method === 'initialize')) {
      res.writeHead(404).end();
      return;
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => transports.set(sid, transport),
    });
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res, body);
}).listen(port, '127.0.0.1');
