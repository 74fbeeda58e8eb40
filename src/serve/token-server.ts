import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv6, type AddressInfo } from 'node:net';
import { displayAuthority } from '../domain/authority.js';
import { ConfigError } from '../domain/errors.js';
import { resourceHint, resourceProblem, sameResource } from '../domain/resource-id.js';
import { errorBody, msiPath, parseMsiRequest, tokenBody, type AskedIdentity, type Refusal } from './msi-protocol.js';
import { refusalFor } from './msi-errors.js';
import type { ServedToken } from './token-source.js';

/**
 * The HTTP side of `azsess serve`: one endpoint, behind the per-run secret, that answers the App
 * Service managed-identity protocol from a token source. Each request ends in one log line:
 * time, resource, status and outcome, milliseconds; never a token or the secret.
 */

export interface TokenServerOptions {
  host: string;
  port: number;
  secret: string;
  /** Resources the server may hand tokens for; undefined: any. */
  allowedResources?: string[];
  tokens: (resource: string, asked: AskedIdentity) => Promise<ServedToken>;
  logLine: (line: string) => void;
  now: () => Date;
}

export interface TokenServer {
  /** IDENTITY_ENDPOINT: the URL an SDK calls. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops listening and ends open connections; requests in flight are answered first where they can be. */
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  outcome: string;
  headers?: Record<string, string>;
}

const wildcard = new Set(['0.0.0.0', '::']);
const closeGraceMs = 3000;

/** The URL host for a bound address; a wildcard bind is reached on this machine at 127.0.0.1. */
export function endpointFor(host: string, port: number): string {
  const reachable = wildcard.has(host) ? '127.0.0.1' : host;
  return `http://${isIPv6(reachable) ? `[${reachable}]` : reachable}:${port}${msiPath}`;
}

/** Printable, short, and without a password: the resource comes from the request. */
export function forLog(resource: string | undefined): string {
  if (!resource) return '-';
  const clean = displayAuthority(resource).replace(/[^\x21-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

function fromRefusal(refusal: Refusal): Answer {
  return { status: refusal.status, body: errorBody(refusal), outcome: refusal.outcome, ...(refusal.headers ? { headers: refusal.headers } : {}) };
}

async function answer(req: IncomingMessage, options: TokenServerOptions): Promise<{ answer: Answer; resource?: string }> {
  const parsed = parseMsiRequest(req.method, req.url, req.headers, options.secret);
  if (!parsed.ok) return { answer: fromRefusal(parsed), ...(parsed.resource !== undefined ? { resource: parsed.resource } : {}) };
  const { resource, identity } = parsed;
  // Not a resource at all: refused before anything is looked up or asked of Entra.
  const problem = resourceProblem(resource);
  if (problem) {
    const description = `The resource parameter is not a resource (${problem}); ${resourceHint}.`;
    return { answer: fromRefusal({ status: 400, error: 'invalid_request', description, outcome: 'not a resource' }), resource };
  }
  // The whole app ID decides: --allow-resource api://contoso.example/orders never serves .../payroll.
  if (options.allowedResources && !options.allowedResources.some((r) => sameResource(r, resource))) {
    const description = `azsess serve was started to hand out tokens for ${options.allowedResources.join(', ')} only, not for ${resource}; start it with --allow-resource ${resource} to allow it.`;
    return { answer: fromRefusal({ status: 403, error: 'forbidden', description, outcome: 'resource not allowed' }), resource };
  }
  try {
    const served = await options.tokens(resource, identity);
    return { answer: { status: 200, body: tokenBody(served.session, resource, served.clientId, options.now()), outcome: `from ${served.outcome}` }, resource };
  } catch (err) {
    return { answer: fromRefusal(refusalFor(err)), resource };
  }
}

function send(res: ServerResponse, a: Answer, closing: boolean): void {
  const body = JSON.stringify(a.body);
  res.writeHead(a.status, {
    // A stopping server lets no connection linger for another request.
    ...(closing ? { connection: 'close' } : {}),
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...a.headers,
  });
  res.end(body);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (err.code === 'EADDRINUSE') reject(new ConfigError(`Port ${port} is in use on ${host}; give another --port, or none for a free one.`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new ConfigError(`${host} is not an address of this machine; give --bind an address it has (ip addr shows them).`));
      else if (err.code === 'EACCES') reject(new ConfigError(`Not allowed to listen on ${where}; choose a port above 1023.`));
      else reject(new ConfigError(`Could not listen on ${where}: ${err.message}.`));
    });
    server.listen({ host, port, exclusive: true }, () => resolve((server.address() as AddressInfo).port));
  });
}

const malformed: Answer = { status: 400, body: errorBody({ error: 'invalid_request', description: 'The request could not be read.' }), outcome: 'malformed request' };

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  let closing: Promise<void> | undefined;
  const server = createServer((req, res) => {
    const started = performance.now();
    void answer(req, options)
      .catch(() => ({ answer: malformed, resource: undefined }))
      .then(({ answer: a, resource }) => {
        send(res, a, closing !== undefined);
        const ms = Math.round(performance.now() - started);
        options.logLine(`${options.now().toISOString()} ${forLog(resource)} ${a.status} ${a.outcome} ${ms} ms`);
      });
  });
  const port = await listen(server, options.host, options.port);
  return {
    endpoint: endpointFor(options.host, port),
    port,
    close: () =>
      (closing ??= new Promise((resolve) => {
        // Requests in flight get their answer (an aborted refresh answers 503 at once); one
        // still waiting after the grace period (for the lock of the home) loses its connection.
        const grace = setTimeout(() => server.closeAllConnections(), closeGraceMs);
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}
