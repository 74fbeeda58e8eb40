import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLoopback, type LoopbackServer } from '../idp/index.js';
import type { EntraVerifier } from './entra-verifier.js';
import { assertRequired } from './requires.js';

/** Azure DevOps' resource id: the `aud` of the tokens it accepts. */
export const DEVOPS_AUDIENCE = '499b84ac-1321-427f-aa17-267ca6975798';

export interface GitServer extends LoopbackServer {
  /** host:port, as git names it to credential helpers. */
  host: string;
  /** Every request with its outcome: 'anonymous' (challenged), 'refused', or 'ok'. */
  log: Array<{ method: string; path: string; outcome: 'anonymous' | 'refused' | 'ok'; reason?: string }>;
  /** Refuse the next `times` valid tokens too, as a server does after a revocation. */
  refuseNext(times: number): void;
}

function cgiEnv(req: IncomingMessage, root: string, user: string): Record<string, string> {
  const url = new URL(req.url ?? '/', 'http://x');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REMOTE_USER: user, // lets http-backend accept pushes
    REMOTE_ADDR: '127.0.0.1',
  };
  if (req.headers['content-type']) env.CONTENT_TYPE = req.headers['content-type'];
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = value;
  }
  return env;
}

/** Runs `git http-backend` (CGI) for one request and relays its answer. */
function serveCgi(req: IncomingMessage, res: ServerResponse, root: string, user: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], { env: cgiEnv(req, root, user), stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      let split = out.indexOf('\r\n\r\n');
      let gap = 4;
      if (split < 0) [split, gap] = [out.indexOf('\n\n'), 2];
      const head = out.subarray(0, split).toString('latin1');
      let status = 200;
      for (const line of head.split(/\r?\n/)) {
        const colon = line.indexOf(':');
        const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else if (name) res.setHeader(name, value);
      }
      res.writeHead(status);
      res.end(out.subarray(split + gap));
      resolve();
    });
    req.pipe(child.stdin);
  });
}

/**
 * Smart HTTP for the repositories under `root`, behind Basic auth whose password must be an Azure
 * DevOps token from the test identity provider: what dev.azure.com checks, on loopback.
 */
export async function startGitServer(root: string, verifier: EntraVerifier): Promise<GitServer> {
  assertRequired('git');
  const log: GitServer['log'] = [];
  let refusals = 0;
  const challenge = (res: ServerResponse) => {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="azsess-test"', 'content-type': 'text/plain' });
    res.end('authentication required\n');
  };
  const server = await listenLoopback(async (req, res) => {
    const entry = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Basic ')) {
      log.push({ ...entry, outcome: 'anonymous' });
      return challenge(res);
    }
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const user = decoded.slice(0, decoded.indexOf(':'));
    const verdict = verifier.verify(decoded.slice(decoded.indexOf(':') + 1), DEVOPS_AUDIENCE);
    const refused = !verdict.ok ? verdict.reason : refusals > 0 ? 'revoked' : undefined;
    if (refused) {
      if (refused === 'revoked') refusals -= 1;
      log.push({ ...entry, outcome: 'refused', reason: refused });
      return challenge(res);
    }
    log.push({ ...entry, outcome: 'ok' });
    await serveCgi(req, res, root, user || 'azsess');
  });
  return {
    ...server,
    host: `127.0.0.1:${server.port}`,
    log,
    refuseNext: (times) => {
      refusals = times;
    },
  };
}
