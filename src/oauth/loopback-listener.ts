import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, InterruptedError } from '../domain/errors.js';
import type { Log } from '../domain/log.js';
import { failurePage, ignoredPage, notFoundPage, pageHeaders, successPage, type Page } from './loopback-pages.js';
import { stateMatches } from './pkce.js';
import type { LoopbackRedirect } from './redirect-uri.js';

/**
 * The one-answer HTTP listener of the auth code flow (RFC 8252 §7.3): it listens on loopback
 * only, takes the first answer on the redirect path that carries the sign-in's `state`, shows a
 * page without the code, and closes. A forged or stale redirect (wrong or missing state) gets a
 * 400 page and changes nothing.
 */

export type RedirectAnswer = { code: string } | { error: string; description: string };

export interface ListenOptions {
  redirect: LoopbackRedirect;
  state: string;
  /** The configured port is a preference only (the default redirect URI): when busy, take a free one. */
  movableWhenBusy: boolean;
  log: Log;
}

export interface RedirectListener {
  /** The redirect URI to send to Entra: the configured one with the port actually bound. */
  readonly redirectUri: string;
  readonly port: number;
  /** The first answer with the right state; undefined if none came within `waitMs`; InterruptedError on abort. */
  answer(waitMs: number, signal: AbortSignal): Promise<RedirectAnswer | undefined>;
  /** Stops listening and drops every connection; safe to call more than once. */
  close(): Promise<void>;
}

type ErrnoError = NodeJS.ErrnoException;
const codeOf = (err: unknown) => (err as ErrnoError | undefined)?.code;

/** `localhost` may resolve to either loopback address, so both are bound; a literal address alone. */
function addressesFor(host: string): string[] {
  return host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Binds every address on one port (the first address picks it when `port` is 0). */
async function bindAll(addresses: string[], port: number, handler: RequestListener): Promise<{ servers: Server[]; port: number }> {
  const servers: Server[] = [];
  let bound = port;
  try {
    for (const [i, address] of addresses.entries()) {
      const server = createServer(handler);
      try {
        bound = await listenOn(server, bound, address);
        servers.push(server);
      } catch (err) {
        // A machine without IPv6 has no ::1; 127.0.0.1 is then all `localhost` can mean.
        if (i > 0 && ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(codeOf(err) ?? '')) continue;
        throw err;
      }
    }
    return { servers, port: bound };
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    throw err;
  }
}

function cannotListen(err: unknown, options: ListenOptions): ConfigError {
  const { host, port, uri } = options.redirect;
  const code = codeOf(err);
  if (code === 'EADDRINUSE') {
    return new ConfigError(
      `Port ${port} of ${host} (redirect URI ${uri}) is in use by another program; stop it, or give --redirect-uri another port (port 0 takes any free one).`,
      { cause: err },
    );
  }
  if (code === 'EACCES') {
    return new ConfigError(`azsess may not listen on port ${port} of ${host} (redirect URI ${uri}); give --redirect-uri a port above 1023.`, { cause: err });
  }
  return new ConfigError(`azsess cannot listen on ${host} port ${port} for the sign-in answer (${code ?? (err as Error).message}); check --redirect-uri.`, { cause: err });
}

/** Binds the configured port, or, when it is busy and only a preference, any free one. */
async function bind(options: ListenOptions, handler: RequestListener): Promise<{ servers: Server[]; port: number }> {
  const addresses = addressesFor(options.redirect.host);
  const wanted = options.redirect.port;
  try {
    return await bindAll(addresses, wanted, handler);
  } catch (err) {
    // An explicit port moves only when it is a preference; port 0 collides only on ::1, and retries.
    if (codeOf(err) !== 'EADDRINUSE' || (wanted !== 0 && !options.movableWhenBusy)) throw cannotListen(err, options);
  }
  // Entra ignores the port of a localhost redirect URI (RFC 8252 §7.3), so any free one will do.
  for (let attempt = 1; ; attempt++) {
    try {
      const bound = await bindAll(addresses, 0, handler);
      if (wanted !== 0) {
        options.log.verbose(
          `Port ${wanted} of ${options.redirect.host} is in use (another sign-in or another program); listening on port ${bound.port} instead, which Entra accepts for a localhost redirect URI.`,
        );
      }
      return bound;
    } catch (err) {
      // With port 0, only the second address can collide (another program on ::1 and that port).
      if (codeOf(err) !== 'EADDRINUSE' || attempt >= 5) throw cannotListen(err, options);
    }
  }
}

/** Control characters from the network never reach the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, 500);
}

function answerOf(params: URLSearchParams): RedirectAnswer | undefined {
  const error = params.get('error');
  if (error) return { error: printable(error), description: printable((params.get('error_description') ?? '').split(/\r?\n/)[0]!) };
  const code = params.get('code');
  return code ? { code } : undefined;
}

function send(req: IncomingMessage, res: ServerResponse, page: Page, last = false): void {
  res.writeHead(page.status, { ...pageHeaders, 'content-length': Buffer.byteLength(page.html), ...(last ? { connection: 'close' } : {}) });
  res.end(req.method === 'HEAD' ? undefined : page.html);
}

/** Starts listening; the caller sends the person to Entra, then awaits `answer` and closes. */
export async function listenForRedirect(options: ListenOptions): Promise<RedirectListener> {
  let settle!: (answer: RedirectAnswer) => void;
  const answered = new Promise<RedirectAnswer>((resolve) => (settle = resolve));
  let done = false;
  let closing: Promise<void> | undefined;
  let servers: Server[] = [];
  const close = () => (closing ??= Promise.all(servers.map(closeServer)).then(() => undefined));

  const handler: RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if ((req.method !== 'GET' && req.method !== 'HEAD') || url.pathname !== options.redirect.path) return send(req, res, notFoundPage());
    if (!stateMatches(options.state, url.searchParams.get('state'))) {
      options.log.verbose('Ignored a request on the redirect path whose state is not this sign-in\'s.');
      return send(req, res, ignoredPage());
    }
    const answer = answerOf(url.searchParams);
    if (!answer || done) return send(req, res, ignoredPage());
    done = true;
    settle(answer);
    res.once('finish', () => void close());
    send(req, res, 'code' in answer ? successPage() : failurePage(answer.error, answer.description), true);
  };

  const bound = await bind(options, handler);
  servers = bound.servers;
  for (const server of servers) server.on('error', (err) => options.log.verbose(`The sign-in listener failed: ${err.message}.`));
  const redirect = new URL(options.redirect.uri);
  redirect.port = String(bound.port);
  options.log.verbose(`Listening for the sign-in answer on ${redirect.href} (${servers.map((s) => (s.address() as AddressInfo).address).join(' and ')}).`);

  return {
    redirectUri: redirect.href,
    port: bound.port,
    close,
    answer(waitMs, signal) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(new InterruptedError());
        const finish = (then: () => void) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          then();
        };
        // setTimeout fires at once beyond 2^31-1 ms; nobody waits 24 days anyway.
        const timer = setTimeout(() => finish(() => resolve(undefined)), Math.min(Math.max(0, waitMs), 2 ** 31 - 1));
        const onAbort = () => finish(() => reject(new InterruptedError()));
        signal.addEventListener('abort', onAbort, { once: true });
        void answered.then((answer) => finish(() => resolve(answer)));
      });
    },
  };
}
