import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCertificate } from './certificates.js';
import type { EntraVerifier } from './entra-verifier.js';

/** The AKS server application: the `aud` of tokens an Entra-enabled AKS API server accepts. */
export const AKS_AUDIENCE = '6dae42f8-4368-4678-94ff-3960e28e3630';

export interface KubeApiFake {
  url: string;
  /** Each request with the outcome of its bearer token check. */
  requests: Array<{ path: string; outcome: 'ok' | 'refused'; reason?: string }>;
  close(): Promise<void>;
}

/**
 * A Kubernetes API server on https://127.0.0.1 that answers `/version` to a bearer token valid for
 * the AKS audience (checked against the test IdP's keys), and 401 to anything else, as AKS does.
 */
export async function startKubeApiFake(cert: TestCertificate, verifier: EntraVerifier): Promise<KubeApiFake> {
  const requests: KubeApiFake['requests'] = [];
  const server: Server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    const auth = req.headers.authorization ?? '';
    const verdict = auth.startsWith('Bearer ') ? verifier.verify(auth.slice(7), AKS_AUDIENCE) : { ok: false as const, reason: 'no bearer token' };
    requests.push({ path, outcome: verdict.ok ? 'ok' : 'refused', ...(verdict.ok ? {} : { reason: verdict.reason }) });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!verdict.ok) return send(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    if (path === '/version') return send(200, { major: '1', minor: '30', gitVersion: 'v1.30.0-azsess-test', platform: 'linux/amd64' });
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
