import type { KeyObject } from 'node:crypto';
import {
  AZURE_CLI_CLIENT_ID, FEDERATED_AUDIENCE, TEST_CLIENT_SECRET, TEST_CONFIDENTIAL_CLIENT_ID, TEST_PASSWORD, TEST_PUBLIC_CLIENT_ID,
  TEST_TENANT_DOMAIN, TEST_TENANT_ID, TEST_USERNAME, TEST_USERS, type TestUser,
} from './constants.js';
import { DevicePolling } from './entra-device-polling.js';
import { ENTRA_LOOP_DETECTION, LoopDetector, type LoopDetectionOptions } from './entra-loop-detection.js';
import { FederatedCredentialStore } from './entra-federated.js';
import { armEndpointOf, createArmHandler, keysOf } from './arm.js';
import { createEntraFront } from './entra-front.js';
import { createEntraProvider } from './entra-provider.js';
import { CAUSE, entraResponses } from './entra-responses.js';
import {
  approveDeviceCodeOverHttp, completeAuthorizationOverHttp, type AuthorizationResult, type SignInOptions,
} from './entra-sign-in.js';
import type { RefreshRefusal } from './entra-refusals.js';
import type { TokenEndpointState } from './entra-token-request.js';
import { Faults, type RequestHandler } from './faults.js';
import { listenLoopback } from './http-server.js';
import { IssuedValues } from './issued-values.js';
import { pathOf } from './http-server.js';
import { RequestLog } from './request-log.js';
import { getJson } from './test-tools.js';

export interface TestIdpOptions {
  /** Access token lifetime in seconds (default 3600). */
  accessTokenTtl?: number;
  /** Access token lifetime for CAE-capable clients (claims `xms_cc` cp1), in seconds (default 86400). */
  caeAccessTokenTtl?: number;
  /** Refresh token lifetime in seconds (default 90 days). */
  refreshTokenTtl?: number;
  /**
   * Device code polling `interval` in seconds (default 5, as Entra): enforced from the first poll,
   * each `slow_down` adds 5 s for the rest of the flow; 0 turns pacing off (IdP self-tests only).
   */
  deviceCodeInterval?: number;
  /** Device code lifetime in seconds (default 900, as Entra). */
  deviceCodeExpiresIn?: number;
  /**
   * The clock the device code pacing reads (epoch ms; default Date.now): in-process tests share
   * theirs with the client, so polls spaced by a fake sleep are on time without waiting.
   */
  pollingClock?: () => number;
  /**
   * Loop detection (AADSTS50196): more than `threshold` identical token requests within
   * `windowSeconds` are refused (default 12 in 300 s, roughly Entra's); false turns it off.
   */
  loopDetection?: LoopDetectionOptions | false;
  /** Rotation with reuse detection: a used refresh token dies and its reuse revokes the grant (default false, as Entra). */
  rotateRefreshTokens?: boolean;
}

export interface TestIdp {
  /** Authority host, e.g. `http://127.0.0.1:PORT` (what `AZURE_AUTHORITY_HOST` gets). */
  url: string;
  tenantId: string;
  tenantDomain: string;
  /** `<url>/<tenantId>`. */
  authority: string;
  publicClientId: string;
  azureCliClientId: string;
  confidentialClientId: string;
  clientSecret: string;
  username: string;
  password: string;
  users: readonly TestUser[];
  requests: RequestLog;
  issued: IssuedValues;
  faults: Faults;
  /**
   * Adds a federated identity credential: the app (default: the confidential client) trusts tokens
   * of `issuer` with this `subject` and one of `audiences` (default `api://AzureADTokenExchange`).
   */
  addFederatedCredential(credential: { issuer: string; subject: string; audiences?: string[]; clientId?: string }): void;
  /**
   * Refuses refreshes for one resource (for one user, or all), as Entra does per resource: MFA
   * (50076, 50079), Conditional Access (53003), consent (65001), unknown resource (500011). The
   * refresh token keeps working for other resources.
   */
  refuseRefresh(refusal: RefreshRefusal): void;
  /** Removes every refusal added with `refuseRefresh`. */
  clearRefusals(): void;
  /** ARM also takes tokens signed by these keys (a managed-identity fake's `jwks`: Entra signs for IMDS in Azure). */
  trustArmSigningKeys(jwks: { keys: Array<Record<string, unknown>> }): void;
  /** Forgets the requests loop detection has counted (a test's fresh start; useIdpAndHome does it before each test). */
  resetLoopDetection(): void;
  /** Every refresh token issued so far fails from now on: AADSTS50173 (`revoked`) or AADSTS700082 (`inactive`). */
  revokeRefreshTokens(reason?: 'revoked' | 'inactive'): void;
  /** Approves (or declines) a device code through the IdP's pages over HTTP, as a person would. */
  approveDeviceCode(userCode: string, options?: SignInOptions): Promise<void>;
  /** Signs in through an authorize URL's pages over HTTP and returns (and by default delivers) the redirect. */
  completeAuthorization(authorizeUrl: string, options?: SignInOptions & { deliver?: boolean }): Promise<AuthorizationResult>;
  close(): Promise<void>;
}

function recordConfiguredSecrets(issued: IssuedValues): void {
  issued.record('client_secret', TEST_CLIENT_SECRET);
  for (const user of TEST_USERS) issued.record('password', user.password);
}

/** oidc-provider as Entra answers: its settings, Entra's response shapes, and the values it issues recorded. */
async function entraProvider(url: string, options: TestIdpOptions, issued: IssuedValues, verificationUris: Map<string, string>) {
  const provider = await createEntraProvider({
    issuer: `${url}/${TEST_TENANT_ID}/v2.0`,
    accessTokenTtl: options.accessTokenTtl ?? 3600,
    caeAccessTokenTtl: options.caeAccessTokenTtl ?? 86400,
    refreshTokenTtl: options.refreshTokenTtl ?? 90 * 86400,
    deviceCodeExpiresIn: options.deviceCodeExpiresIn ?? 900,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
  });
  const polling = new DevicePolling(options.deviceCodeInterval ?? 5, options.pollingClock);
  provider.use(entraResponses({
    issued,
    polling,
    authority: url,
    onDeviceCode: (userCode, uri) => verificationUris.set(userCode, uri),
  }));
  for (const event of ['grant.error', 'device_authorization.error', 'server_error', 'discovery.error', 'jwks.error']) {
    provider.on(event, (ctx: { state: Record<string, unknown> }, error: unknown) => { ctx.state[CAUSE] = error; });
  }
  provider.on('authorization_code.saved', (code: { jti: string }) => issued.record('authorization_code', code.jti));
  return { provider, polling };
}

/** Starts an Entra-shaped identity provider (oidc-provider behind an adapter) on 127.0.0.1. */
export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  let handler: RequestHandler = (_req, res) => { res.statusCode = 503; res.end(); };
  const server = await listenLoopback((req, res) => handler(req, res));
  const requests = new RequestLog();
  const issued = new IssuedValues();
  const faults = new Faults();
  const verificationUris = new Map<string, string>();
  recordConfiguredSecrets(issued);

  const { provider, polling } = await entraProvider(server.url, options, issued, verificationUris);

  const federated = new FederatedCredentialStore();
  const loops = new LoopDetector(options.loopDetection ?? ENTRA_LOOP_DETECTION);
  const state: TokenEndpointState = { provider, polling, revoked: new Map(), federated, loops, refusals: [] };
  const entra = createEntraFront({ provider, requests, faults, state, issued, url: () => server.url });
  let armKeys: ReturnType<typeof keysOf> | undefined;
  // Keys ARM trusts beyond the IdP's: a managed-identity fake signs with its own, where Entra signs for IMDS.
  const trusted = new Map<string, KeyObject>();
  const arm = createArmHandler({
    url: () => server.url,
    keys: async () =>
      new Map([...(armKeys ??= keysOf((await getJson(`${server.url}/${TEST_TENANT_ID}/discovery/v2.0/keys`)).json as { keys: Array<Record<string, string>> })), ...trusted]),
  });
  handler = (req, res) => {
    const endpoint = armEndpointOf(pathOf(req));
    if (!endpoint) return entra(req, res);
    const record = requests.add({
      method: req.method ?? 'GET', path: pathOf(req), endpoint, time: Date.now(), headers: req.headers,
      query: Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams),
    });
    res.on('finish', () => { record.status = res.statusCode; });
    return faults.handle(endpoint, req, res, arm);
  };

  return {
    url: server.url,
    tenantId: TEST_TENANT_ID,
    tenantDomain: TEST_TENANT_DOMAIN,
    authority: `${server.url}/${TEST_TENANT_ID}`,
    publicClientId: TEST_PUBLIC_CLIENT_ID,
    azureCliClientId: AZURE_CLI_CLIENT_ID,
    confidentialClientId: TEST_CONFIDENTIAL_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    username: TEST_USERNAME,
    password: TEST_PASSWORD,
    users: TEST_USERS,
    requests,
    issued,
    faults,
    addFederatedCredential: (credential) => federated.add({ clientId: TEST_CONFIDENTIAL_CLIENT_ID, audiences: [FEDERATED_AUDIENCE], ...credential }),
    refuseRefresh: (refusal) => state.refusals.push({ ...refusal }),
    clearRefusals: () => state.refusals.splice(0),
    trustArmSigningKeys(jwks) {
      for (const [kid, key] of keysOf(jwks as { keys: Array<Record<string, string>> })) trusted.set(kid, key);
    },
    resetLoopDetection: () => loops.reset(),
    revokeRefreshTokens(reason = 'revoked') {
      for (const token of issued.values('refresh_token')) state.revoked.set(token, reason);
    },
    approveDeviceCode(userCode, signIn) {
      const uri = verificationUris.get(userCode) ?? `${server.url}/${TEST_TENANT_ID}/devicelogin`;
      return approveDeviceCodeOverHttp(uri, userCode, signIn);
    },
    completeAuthorization: (authorizeUrl, signIn) => completeAuthorizationOverHttp(authorizeUrl, signIn),
    close: () => server.close(),
  };
}
