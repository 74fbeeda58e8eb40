import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Faults, IssuedValues, listenLoopback, RequestLog, type LoopbackServer } from '../idp/index.js';
import { parseForm, parseQuery, pathOf, readBody, sendJson } from '../idp/http-server.js';
import { makeCertificate } from './certificates.js';
import type { EntraVerifier } from './entra-verifier.js';
import { assertRequired } from './requires.js';

/** The audience of Entra tokens ACR's data plane accepts. */
export const ACR_AUDIENCE = 'https://containerregistry.azure.net';
export const ACR_NULL_USER = '00000000-0000-0000-0000-000000000000';

export interface AcrFake extends LoopbackServer {
  /** host:port, the registry's name for docker and its token `service`. */
  host: string;
  /** /oauth2/exchange calls, with the reason of a refusal. */
  exchanges: Array<{ ok: boolean; reason?: string }>;
  /** /oauth2/token calls: who asked (null-GUID user, admin, anonymous) and the outcome. */
  tokenRequests: Array<{ user: string; ok: boolean }>;
  /** ACR refresh tokens issued by the exchange (for leak checks). */
  issuedRefreshTokens: string[];
  admin: { username: string; password: string };
  /** Refuse every exchange (an identity without the AcrPull role). */
  refuseExchanges: boolean;
  /** Faults for the front's endpoints: `exchange` (/oauth2/exchange), `token` (/oauth2/token), `registry` (the rest). */
  faults: Faults;
  /** Every request the front received, faulted ones included, named as for `faults`. */
  requests: RequestLog;
}

export interface AcrFakeOptions {
  /** Start the distribution registry behind the front (default true); without it, only the token endpoints answer. */
  registry?: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Signs registry JWTs the way the distribution registry's token auth checks them: ES256, x5c chain. */
function jwtSigner(keyPem: string, certPem: string) {
  const key = createPrivateKey(keyPem);
  const x5c = [new X509Certificate(certPem).raw.toString('base64')];
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return (claims: Record<string, unknown>) => {
    const data = `${b64({ alg: 'ES256', typ: 'JWT', x5c })}.${b64(claims)}`;
    return `${data}.${sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
}

async function waitForRegistry(port: number, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${logs()}`);
    const answered = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/v2/' }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`docker-registry did not start: ${logs()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function basicUser(req: IncomingMessage): { user: string; password: string } | undefined {
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Basic ')) return undefined;
  const text = Buffer.from(auth.slice(6), 'base64').toString('utf8');
  return { user: text.slice(0, text.indexOf(':')), password: text.slice(text.indexOf(':') + 1) };
}

interface AcrState {
  host: string;
  exchanges: AcrFake['exchanges'];
  tokenRequests: AcrFake['tokenRequests'];
  issued: string[];
  /** Every token issued, for the leak scan. */
  recorder: IssuedValues;
  refuse: boolean;
  admin: AcrFake['admin'];
  signJwt: (claims: Record<string, unknown>) => string;
  verifier: EntraVerifier;
}

const now = () => Math.floor(Date.now() / 1000);

/** POST /oauth2/exchange: an Entra token for ACR's audience, of the tenant named, for this registry. */
async function exchange(state: AcrState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = parseForm(req, await readBody(req)) ?? {};
  const verdict = state.verifier.verify(form.access_token ?? '', ACR_AUDIENCE);
  const reason = state.refuse
    ? 'no AcrPull role'
    : form.grant_type !== 'access_token' ? `grant_type ${form.grant_type}`
    : form.service !== state.host ? `service ${form.service}`
    : !verdict.ok ? verdict.reason
    : form.tenant !== verdict.claims.tid ? `tenant ${form.tenant}` : undefined;
  state.exchanges.push({ ok: !reason, ...(reason ? { reason } : {}) });
  if (reason || !verdict.ok) return sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: `token exchange refused: ${reason}` }] });
  const refreshToken = state.signJwt({
    iss: 'acr-fake', aud: state.host, sub: verdict.claims.oid, tenant: form.tenant, grant_type: 'refresh_token',
    jti: randomUUID(), iat: now(), exp: now() + 3 * 3600,
  });
  state.issued.push(refreshToken);
  state.recorder.record('registry_token', refreshToken);
  sendJson(res, 200, { refresh_token: refreshToken });
}

/** /oauth2/token: the admin user, or the null-GUID user with an ACR refresh token, gets a registry token. */
async function token(state: AcrState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const form = req.method === 'POST' ? (parseForm(req, await readBody(req)) ?? {}) : {};
  const basic = basicUser(req);
  const user = basic?.user ?? (form.refresh_token ? ACR_NULL_USER : 'anonymous');
  const secret = basic?.password ?? form.refresh_token ?? '';
  const ok = (user === state.admin.username && secret === state.admin.password) || (user === ACR_NULL_USER && state.issued.includes(secret));
  state.tokenRequests.push({ user, ok });
  if (!ok) return sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
  const access = [...url.searchParams.getAll('scope'), ...(form.scope ? [form.scope] : [])].map((s) => {
    const [type, name, actions = ''] = s.split(':');
    return { type, name, actions: actions.split(',') };
  });
  const accessToken = state.signJwt({ iss: 'acr-fake', sub: user, aud: state.host, access, jti: randomUUID(), iat: now(), nbf: now() - 5, exp: now() + 600 });
  state.recorder.record('registry_token', accessToken);
  sendJson(res, 200, { token: accessToken, access_token: accessToken, expires_in: 600 });
}

function proxy(registryPort: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const upstream = request({ host: '127.0.0.1', port: registryPort, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res).on('finish', resolve);
    });
    upstream.on('error', () => {
      res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}

/** Debian's docker-registry with token auth whose realm and service are the front's. */
async function startRegistry(workDir: string, registryPort: number, host: string, certPath: string): Promise<ChildProcess> {
  const config = join(workDir, 'registry.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: {level: error, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: ${join(workDir, 'data')}}}`,
      `http: {addr: "127.0.0.1:${registryPort}", host: "http://${host}", secret: "${randomUUID()}"}`,
      `auth: {token: {realm: "http://${host}/oauth2/token", service: "${host}", issuer: acr-fake, rootcertbundle: ${certPath}}}`,
      '',
    ].join('\n'),
  );
  assertRequired('docker-registry');
  const registry = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  registry.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  await waitForRegistry(registryPort, registry, () => log);
  return registry;
}

/**
 * An Azure Container Registry on loopback: the real distribution registry (Debian's
 * docker-registry) with token auth, behind a front that serves ACR's /oauth2/exchange (checking the
 * Entra token against the test IdP's keys) and /oauth2/token, and passes the rest to the registry.
 */
export async function startAcrFake(verifier: EntraVerifier, workDir: string, options: AcrFakeOptions = {}): Promise<AcrFake> {
  mkdirSync(workDir, { recursive: true });
  const cert = await makeCertificate(workDir, 'acr-fake');
  const registryPort = await freePort();
  const state: AcrState = {
    host: '', exchanges: [], tokenRequests: [], issued: [], recorder: new IssuedValues(), refuse: false, verifier,
    admin: { username: 'acr-admin', password: randomUUID() },
    signJwt: jwtSigner(cert.keyPem, cert.certPem),
  };
  const faults = new Faults();
  const requests = new RequestLog();
  const front = await listenLoopback(async (req, res) => {
    const path = pathOf(req);
    const endpoint = path === '/oauth2/exchange' && req.method === 'POST' ? 'exchange' : path === '/oauth2/token' ? 'token' : 'registry';
    const record = requests.add({ method: req.method ?? 'GET', path, endpoint, time: Date.now(), headers: req.headers, query: parseQuery(req) });
    res.on('finish', () => { record.status = res.statusCode; });
    await faults.handle(endpoint, req, res, () => {
      if (endpoint === 'exchange') return exchange(state, req, res);
      if (endpoint === 'token') return token(state, req, res);
      return options.registry === false ? sendJson(res, 404, { errors: [{ code: 'NOT_FOUND' }] }) : proxy(registryPort, req, res);
    });
  });
  state.host = `127.0.0.1:${front.port}`;
  const registry = options.registry === false ? undefined : await startRegistry(workDir, registryPort, state.host, cert.certPath);
  return {
    ...front,
    host: state.host,
    exchanges: state.exchanges,
    tokenRequests: state.tokenRequests,
    issuedRefreshTokens: state.issued,
    admin: state.admin,
    faults,
    requests,
    get refuseExchanges() {
      return state.refuse;
    },
    set refuseExchanges(value: boolean) {
      state.refuse = value;
    },
    close: async () => {
      await front.close();
      if (!registry || registry.exitCode !== null) return;
      const exited = new Promise((r) => registry.once('exit', r));
      registry.kill('SIGTERM');
      await exited;
    },
  };
}
