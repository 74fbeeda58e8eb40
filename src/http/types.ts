import { ServiceError } from '../domain/errors.js';

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
  /**
   * https to a server whose certificate is accepted only when its SHA-1 thumbprint (40 hex digits,
   * any case) is `sha1`, with no CA check (Service Fabric's self-signed identity endpoint); `from`
   * names where the thumbprint came from, for the message. Never proxied.
   */
  serverThumbprint?: { sha1: string; from: string };
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

/**
 * The server's certificate is not the one `HttpRequest.serverThumbprint` pins: refused during the
 * TLS handshake, before a byte of the request was written. Not a TransportError: never retried.
 */
export class ServerCertificateMismatch extends ServiceError {
  constructor(target: string, presented: string, pin: { sha1: string; from: string }, options?: { cause?: unknown }) {
    const shown = presented ? `a certificate with thumbprint ${presented.slice(0, 8)}…` : 'no certificate';
    super(
      `${target} presented ${shown}, not the ${pin.sha1.slice(0, 8).toUpperCase()}… that ${pin.from} names, so nothing was sent to it; ` +
        `check that ${pin.from} belongs to this endpoint.`,
      options,
    );
  }
}
