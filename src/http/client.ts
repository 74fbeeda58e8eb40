import type { TLSSocket } from 'node:tls';
import type * as Undici from 'undici';
import { ConfigError, InterruptedError } from '../domain/errors.js';
import { version } from '../domain/version.js';
import { ServerCertificateMismatch, TransportError, type HttpClient, type HttpRequest, type TransportFailure } from './types.js';

/** Proxy settings, read by the CLI from the environment (both cases, as curl does). */
export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/** The parts of undici azsess uses. */
interface UndiciParts {
  Agent: typeof Undici.Agent;
  EnvHttpProxyAgent: typeof Undici.EnvHttpProxyAgent;
  buildConnector: typeof Undici.buildConnector;
  request(dispatcher: Undici.Dispatcher, url: URL, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData>;
}

type RequestOptions = { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal };

/**
 * Only the three undici modules azsess uses. Requiring the package loads fetch, WebSocket,
 * caches and mocks as well, which was most of the CPU a refresh spends before its request
 * (it matters when a herd of processes waits for one refresh). Those files are undici's own,
 * not its public API, so if a release moves them this falls back to the package's entry point;
 * a unit test reports it.
 */
export function loadUndici(): UndiciParts & { lean: boolean } {
  // The bundle's require; node:module only outside a bundle (loading it costs a refresh 0.2 ms).
  const load = typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(import.meta.url);
  try {
    // As undici's index.js does: the request, connect (proxy tunnels) ... methods of every dispatcher.
    const dispatcher = load('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
    Object.assign(dispatcher.prototype, load('undici/lib/api/index.js'));
    return {
      lean: true,
      Agent: load('undici/lib/dispatcher/agent.js') as typeof Undici.Agent,
      EnvHttpProxyAgent: load('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof Undici.EnvHttpProxyAgent,
      buildConnector: load('undici/lib/core/connect.js') as typeof Undici.buildConnector,
      request: (d, url, options) => d.request({ origin: url.origin, path: `${url.pathname}${url.search}`, ...options }),
    };
  } catch {
    const undici = load('undici') as typeof Undici;
    return {
      lean: false,
      Agent: undici.Agent,
      EnvHttpProxyAgent: undici.EnvHttpProxyAgent,
      buildConnector: undici.buildConnector,
      request: (dispatcher, url, options) => undici.request(url, { ...options, dispatcher }),
    };
  }
}

// Tokens and error bodies are small; anything bigger is not what we asked for.
const maxBodyBytes = 1024 * 1024;

function classify(err: unknown): TransportFailure {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT/.test(code)) return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'connection';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
  if (/CERT|TLS|SSL/.test(code)) return 'tls';
  return 'other';
}

function describe(kind: TransportFailure, timeoutMs: number): string {
  switch (kind) {
    case 'timeout':
      return `did not answer within ${Math.round(timeoutMs / 1000)} s`;
    case 'dns':
      return 'could not be found (DNS)';
    case 'connection':
      return 'refused or could not be reached';
    case 'reset':
      return 'closed the connection before answering in full';
    case 'tls':
      return 'failed the TLS handshake (certificate)';
    default:
      return 'could not be reached';
  }
}

/**
 * The proxy (host:port, never its user name or password) that a connection error came from, if
 * it came from one: undici connects to the proxy, not to the target, so a refused connection or an
 * unknown name there is the proxy's, and saying "the token endpoint could not be found" misleads.
 */
function failedProxy(err: unknown, proxy: ProxySettings): string | undefined {
  const errors = [err, (err as { cause?: unknown } | null)?.cause] as Array<{ hostname?: string; address?: string; port?: number } | undefined>;
  for (const value of [proxy.httpsProxy, proxy.httpProxy]) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (errors.some((e) => e && (e.hostname === host || (e.port === port && (e.address === host || host === 'localhost'))))) return url.host;
  }
  return undefined;
}

/**
 * A proxy that answered the tunnel request (CONNECT) with another status than 200: undici says so
 * in an AbortError, which would otherwise read as a timeout. 407 is configuration (exit 6, not
 * worth a retry); anything else means the proxy could not reach the target.
 */
function tunnelRefusal(err: unknown, url: URL, proxy: ProxySettings, target: string): Error | undefined {
  const status = /^Proxy response \((\d+)\)/.exec(err instanceof Error ? err.message : '')?.[1];
  if (!status) return undefined;
  // As undici's EnvHttpProxyAgent chooses: https_proxy, else http_proxy, for https.
  const value = url.protocol === 'https:' ? proxy.httpsProxy || proxy.httpProxy : proxy.httpProxy;
  const host = URL.canParse(value) ? new URL(value).host : 'in the environment';
  if (status === '407') {
    return new ConfigError(`The proxy ${host} asks for a user name and password (HTTP 407) before it connects to ${target}; give them in the proxy URL (http://user:password@${host}).`, { cause: err });
  }
  return new TransportError('connection', `${target} could not be reached: the proxy ${host} answered HTTP ${status} instead of connecting to it`, { cause: err });
}

/** What the pinned connector saw, for send() to name the endpoint in its sentence. */
class PinnedCertificateRefused extends Error {
  constructor(readonly presented: string) {
    super('the server certificate is not the pinned one');
  }
}

/**
 * TLS that accepts exactly the certificate whose SHA-1 thumbprint is `thumbprint` (upper-case hex),
 * with no CA or host name check. The socket is handed to undici only after the check, so a
 * server with another certificate is never sent a byte of the request (its secret header). No
 * session is resumed: every connection shows its certificate.
 */
function pinnedConnector(build: typeof Undici.buildConnector, thumbprint: string): Undici.buildConnector.connector {
  const connect = build({ rejectUnauthorized: false, maxCachedSessions: 0 });
  return (options, callback) =>
    connect(options, (err, socket) => {
      if (err) return callback(err, null);
      // A plain http socket has no certificate, and fails the check too.
      const presented = (socket as Partial<TLSSocket>).getPeerCertificate?.().fingerprint?.replace(/:/g, '').toUpperCase() ?? '';
      if (presented === thumbprint) return callback(null, socket);
      socket.destroy();
      callback(new PinnedCertificateRefused(presented), null);
    });
}

function encodeBody(req: HttpRequest): { body?: string; contentType?: string } {
  if (req.form) return { body: new URLSearchParams(req.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: 'application/json' };
  return {};
}

/**
 * A fresh UUID (version 4) for the client-request-id header, which only ties azsess's messages to
 * Entra's logs: no secret, so Math.random serves, and a refresh does not load node:crypto for it
 * (0.3 ms).
 */
export function requestId(): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const variant = (8 + Math.floor(Math.random() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

/**
 * The one HTTP client of azsess, on undici: proxies from the environment (except for `direct`
 * requests), a user agent, a fresh client-request-id per request, a hard timeout per request.
 */
export function createHttpClient(proxy: ProxySettings, interrupt?: AbortSignal): HttpClient {
  const undici = loadUndici();
  let proxied: Undici.Dispatcher | undefined;
  let direct: Undici.Dispatcher | undefined;
  const pinned = new Map<string, Undici.Dispatcher>();
  const pinnedTo = (thumbprint: string): Undici.Dispatcher => {
    if (!pinned.has(thumbprint)) pinned.set(thumbprint, new undici.Agent({ connect: pinnedConnector(undici.buildConnector, thumbprint) }));
    return pinned.get(thumbprint)!;
  };
  const dispatcherFor = (req: HttpRequest): Undici.Dispatcher =>
    req.serverThumbprint
      ? pinnedTo(req.serverThumbprint.sha1.toUpperCase())
      : req.direct ? (direct ??= new undici.Agent()) : (proxied ??= new undici.EnvHttpProxyAgent(proxy));

  return {
    async send(req, timeoutMs) {
      const clientRequestId = requestId();
      const { body, contentType } = encodeBody(req);
      const headers: Record<string, string> = {
        'user-agent': `azsess/${version}`,
        accept: 'application/json',
        'client-request-id': clientRequestId,
        ...(req.entra ? { 'return-client-request-id': 'true', 'x-ms-lib-capability': 'retry-after, h429' } : {}),
        ...(contentType ? { 'content-type': contentType } : {}),
        ...req.headers,
      };
      const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
      const signal = interrupt ? AbortSignal.any([timeout, interrupt]) : timeout;
      try {
        const res = await undici.request(dispatcherFor(req), new URL(req.url), {
          method: req.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal,
        });
        const text = await readBody(res.body);
        return { status: res.statusCode, headers: flattenHeaders(res.headers), body: text, clientRequestId };
      } catch (err) {
        if (interrupt?.aborted) throw new InterruptedError();
        const target = `${req.purpose} at ${new URL(req.url).host}`;
        const refused = [err, (err as { cause?: unknown } | null)?.cause].find((e) => e instanceof PinnedCertificateRefused);
        if (refused) throw new ServerCertificateMismatch(target, refused.presented, req.serverThumbprint!, { cause: err });
        const tunnel = req.direct ? undefined : tunnelRefusal(err, new URL(req.url), proxy, target);
        if (tunnel) throw tunnel;
        const kind = classify(timeout.aborted ? { name: 'TimeoutError' } : err);
        const via = req.direct ? undefined : failedProxy(err, proxy);
        const message = via ? `${target} could not be reached: the proxy ${via} ${describe(kind, timeoutMs)}` : `${target} ${describe(kind, timeoutMs)}`;
        throw new TransportError(kind, message, { cause: err });
      }
    },
  };
}

async function readBody(body: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > maxBodyBytes) throw Object.assign(new Error('response body too large'), { code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' });
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
