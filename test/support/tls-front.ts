import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer } from 'node:tls';

import type { TestCertificate } from './certificates.js';

/** A TLS terminator on loopback in front of a plain-http test server, as a load balancer would be. */
export interface TlsFront {
  port: number;
  /** TLS handshakes completed: connections that really came in over TLS. */
  readonly handshakes: number;
  close(): Promise<void>;
}

/** Serves `target` (http://127.0.0.1:PORT) over TLS with `certificate`. */
export async function startTlsFront(target: string, certificate: TestCertificate): Promise<TlsFront> {
  const { port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let handshakes = 0;
  const server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (tls) => {
    handshakes += 1;
    const upstream = connect(Number(targetPort), '127.0.0.1');
    for (const s of [tls, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        tls.destroy();
        upstream.destroy();
      });
    }
    tls.pipe(upstream).pipe(tls);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get handshakes() {
      return handshakes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
