/** The HTTP seam: protocols see these types, never undici. */

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** What is being asked, for messages: "the token endpoint", "IMDS". */
  purpose: string;
  /** Never through a proxy (IMDS and other link-local or loopback services). */
  direct?: boolean;
  /** Adds Entra's diagnostic headers (client-request-id, x-ms-lib-capability). */
  entra?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  /** The client-request-id azsess sent, to quote in messages. */
  clientRequestId: string;
}

/** Sends one request, once: no retry. Fails with a TransportError when no response arrives. */
export interface HttpClient {
  send(request: HttpRequest, timeoutMs: number): Promise<HttpResponse>;
}

export type TransportFailure = 'timeout' | 'connection' | 'dns' | 'tls' | 'reset' | 'other';

/** No HTTP response: the network, DNS, TLS, or a timeout. Retryable. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}
