import { request, type IncomingMessage, type ServerResponse } from 'node:http';

import { Faults } from './faults.js';
import { listenLoopback, parseForm, parseQuery, pathOf, readBody, type LoopbackServer } from './http-server.js';
import { RequestLog } from './request-log.js';

/**
 * A loopback reverse proxy with its own faults and request log, in front of any test server. Many
 * azsess processes can then meet different faults at once while sharing one real server (one test
 * IdP, say): each gets its own proxy, whose URL it uses instead of the server's.
 */
export interface FaultProxy extends LoopbackServer {
  /** The server the proxy forwards to. */
  target: string;
  faults: Faults;
  /** Every request the proxy received (faulted ones included), named by `endpointOf`. */
  requests: RequestLog;
}

/** Passes a request on to `target` with its body, and the answer back as it comes. */
function forward(target: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const headers = { ...req.headers, host: target.host };
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res).on('finish', resolve).on('error', resolve);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      res.destroy();
      resolve();
    });
    upstream.end(body);
  });
}

/**
 * Starts a proxy to `target` (`http://127.0.0.1:PORT`). `endpointOf(path)` names each request for
 * `faults` and `requests`, as the servers themselves do (`token`, `devicecode`, ...).
 */
export async function startFaultProxy(target: string, endpointOf: (path: string) => string): Promise<FaultProxy> {
  const requests = new RequestLog();
  const faults = new Faults();
  const targetUrl = new URL(target);
  const server = await listenLoopback(async (req, res) => {
    const body = await readBody(req);
    const path = pathOf(req);
    const form = parseForm(req, body);
    const record = requests.add({
      method: req.method ?? 'GET', path, endpoint: endpointOf(path), time: Date.now(), headers: req.headers,
      query: parseQuery(req), ...(form ? { form, grantType: form.grant_type } : {}),
    });
    res.on('finish', () => { record.status = res.statusCode; });
    await faults.handle(record.endpoint, req, res, () => forward(targetUrl, req, body, res));
  });
  return { ...server, target, faults, requests };
}

/** Endpoint names of the test IdP's paths (`/{tenant}/oauth2/v2.0/token` is `token`). */
export function entraEndpointOf(path: string): string {
  const match = /\/oauth2\/v2\.0\/(token|devicecode|authorize)$/.exec(path);
  return match ? match[1]! : 'other';
}
