import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import type { RequestHandler } from './faults.js';

/** A node:http server on 127.0.0.1 with an ephemeral port. */
export interface LoopbackServer {
  server: Server;
  /** `http://127.0.0.1:PORT` (`https://` with `tls`; no trailing slash). */
  url: string;
  port: number;
  /** Stops listening and destroys every open connection, hung ones included. */
  close(): Promise<void>;
}

/**
 * Starts `handler` on 127.0.0.1:0, over https with `tls` (a PEM key and certificate). A handler
 * that throws answers 500 (if it had not answered yet).
 */
export async function listenLoopback(handler: RequestHandler, tls?: { key: string; cert: string }): Promise<LoopbackServer> {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
        else res.destroy();
      });
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  // Keep-alive sockets from fetch would otherwise hold close() open for seconds.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return { server, url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, close };
}

/** Reads a whole request body (1 MiB at most). */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Decodes an `application/x-www-form-urlencoded` body; undefined for any other content type. */
export function parseForm(req: IncomingMessage, body: Buffer): Record<string, string> | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/** Query parameters of a request URL as a plain object (last value wins). */
export function parseQuery(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
}

export function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://x').pathname;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(html);
}
