import { randomUUID } from 'node:crypto';
import type * as Undici from 'undici';
import { InterruptedError } from '../core/errors.js';
import { version } from '../version.js';
import { TransportError, type HttpClient, type HttpRequest, type TransportFailure } from './types.js';

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
      request: (d, url, options) => d.request({ origin: url.origin, path: `${url.pathname}${url.search}`, ...options }),
    };
  } catch {
    const undici = load('undici') as typeof Undici;
    return {
      lean: false,
      Agent: undici.Agent,
      EnvHttpProxyAgent: undici.EnvHttpProxyAgent,
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

function encodeBody(req: HttpRequest): { body?: string; contentType?: string } {
  if (req.form) return { body: new URLSearchParams(req.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: 'application/json' };
  return {};
}

/**
 * The one HTTP client of azsess, on undici: proxies from the environment (except for `direct`
 * requests), a user agent, a fresh client-request-id per request, a hard timeout per request.
 */
export function createHttpClient(proxy: ProxySettings, interrupt?: AbortSignal): HttpClient {
  const undici = loadUndici();
  let proxied: Undici.Dispatcher | undefined;
  let direct: Undici.Dispatcher | undefined;
  const dispatcherFor = (req: HttpRequest): Undici.Dispatcher =>
    req.direct ? (direct ??= new undici.Agent()) : (proxied ??= new undici.EnvHttpProxyAgent(proxy));

  return {
    async send(req, timeoutMs) {
      const clientRequestId = randomUUID();
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
        const kind = classify(timeout.aborted ? { name: 'TimeoutError' } : err);
        throw new TransportError(kind, `${req.purpose} at ${new URL(req.url).host} ${describe(kind, timeoutMs)}`, {
          cause: err,
        });
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
