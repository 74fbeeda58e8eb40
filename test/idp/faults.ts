import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A failure a test server can be told to produce instead of (or around) its real answer.
 * - `status`: answer this status (e.g. 429 with `Retry-After`, 503); an object body is sent as JSON.
 * - `delayMs`: wait, then let the real handler answer.
 * - `hang`: accept the request and never answer (the server's `close()` still finishes).
 * - `drop`: destroy the socket before answering.
 * - `truncate`: announce a Content-Length larger than the body, send part of a JSON body, end the socket.
 * - `nonJson`: 200 with a text/html body.
 * - `htmlErrorPage`: a proxy-style HTML error page with that status (e.g. 502).
 * - `trickle`: the real answer, its body sent at `bytesPerSecond`.
 */
export type Fault =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { delayMs: number }
  | { hang: true }
  | { drop: true }
  | { truncate: true }
  | { nonJson: true }
  | { htmlErrorPage: number }
  | { trickle: { bytesPerSecond: number } };

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

interface Rule {
  endpoint: string;
  fault: Fault;
  remaining: number;
}

/** Switchable faults per endpoint name (`'*'` for every endpoint), shared by all test servers. */
export class Faults {
  readonly #rules: Rule[] = [];

  /** Applies `fault` to the next `times` requests for `endpoint` (default: every request). */
  add(endpoint: string, fault: Fault, options: { times?: number } = {}): this {
    const times = options.times ?? Number.POSITIVE_INFINITY;
    if (!(times > 0)) throw new RangeError('times must be a positive number');
    this.#rules.push({ endpoint, fault, remaining: times });
    return this;
  }

  /** Removes every fault (or those of one endpoint); the real handlers answer again. */
  clear(endpoint?: string): void {
    for (let i = this.#rules.length - 1; i >= 0; i -= 1) {
      if (endpoint === undefined || this.#rules[i]!.endpoint === endpoint) this.#rules.splice(i, 1);
    }
  }

  /** Number of fault rules still armed. */
  get size(): number {
    return this.#rules.length;
  }

  /** Takes one use of the first armed fault for `endpoint`, if any. */
  take(endpoint: string): Fault | undefined {
    const rule = this.#rules.find((r) => r.endpoint === endpoint || r.endpoint === '*');
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
    return rule.fault;
  }

  /** Answers with the next fault for `endpoint`, or lets `handler` answer. */
  async handle(endpoint: string, req: IncomingMessage, res: ServerResponse, handler: RequestHandler): Promise<void> {
    const fault = this.take(endpoint);
    if (!fault) return handler(req, res);
    return applyFault(fault, req, res, handler);
  }
}

/**
 * Wraps a node:http handler so `faults` apply to it; `endpointOf` names the endpoint of a
 * request. For servers that have no endpoint names of their own, pass `() => '*'`-style naming.
 */
export function withFaults(
  faults: Faults,
  endpointOf: (req: IncomingMessage) => string,
  handler: RequestHandler,
): RequestHandler {
  return (req, res) => faults.handle(endpointOf(req), req, res, handler);
}

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in to your account</title></head>'
  + '<body><p>Please sign in to continue.</p></body></html>\n';

function proxyErrorPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n`
    + `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function sendStatus(res: ServerResponse, fault: { status: number; body?: unknown; headers?: Record<string, string> }): void {
  const isText = fault.body === undefined || typeof fault.body === 'string';
  const body = fault.body === undefined ? '' : isText ? String(fault.body) : JSON.stringify(fault.body);
  const type = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(fault.status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...fault.headers });
  res.end(body);
}

/** Produces one fault on `res`; `handler` is the real answer, used by `delayMs` and `trickle`. */
export async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, handler: RequestHandler): Promise<void> {
  if ('status' in fault) return sendStatus(res, fault);
  if ('delayMs' in fault) {
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
    if (!res.destroyed) await handler(req, res);
    return;
  }
  if ('hang' in fault) return;
  if ('drop' in fault) {
    req.socket.destroy();
    return;
  }
  if ('truncate' in fault) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '4096' });
    res.write('{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAiOiJKV1QiLCJh', () => res.destroy());
    return;
  }
  if ('nonJson' in fault) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(HTML_PAGE) });
    res.end(HTML_PAGE);
    return;
  }
  if ('htmlErrorPage' in fault) {
    const page = proxyErrorPage(fault.htmlErrorPage);
    res.writeHead(fault.htmlErrorPage, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
    res.end(page);
    return;
  }
  trickleBody(res, fault.trickle.bytesPerSecond);
  await handler(req, res);
}

type Chunk = string | Uint8Array;

function toBuffer(chunk: Chunk, encoding?: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, (encoding as BufferEncoding) || 'utf8') : Buffer.from(chunk);
}

/** Buffers what the real handler writes, then sends it in 100 ms slices at `bytesPerSecond`. */
function trickleBody(res: ServerResponse, bytesPerSecond: number): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (chunk: Chunk) => boolean;
  const end = res.end.bind(res) as () => ServerResponse;
  res.write = ((chunk: Chunk, encoding?: unknown) => {
    chunks.push(toBuffer(chunk, encoding));
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown) => {
    if (chunk !== undefined && typeof chunk !== 'function') chunks.push(toBuffer(chunk as Chunk, encoding));
    const body = Buffer.concat(chunks);
    const step = Math.max(1, Math.floor(bytesPerSecond / 10));
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      write(body.subarray(sent, sent + step));
      sent += step;
      if (sent >= body.length) {
        clearInterval(timer);
        end();
      }
    }, 100);
    timer.unref();
    return res;
  }) as typeof res.end;
}
