import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { FEDERATED_AUDIENCE } from './constants.js';
import { Faults } from './faults.js';
import { listenLoopback, parseQuery, pathOf, sendHtml, sendJson } from './http-server.js';
import { IssuedValues } from './issued-values.js';
import { RequestLog } from './request-log.js';
import { WorkloadTokenIssuer } from './token-issuer.js';

/**
 * The OIDC token endpoints of CI systems, on loopback: GitHub Actions (`ACTIONS_ID_TOKEN_REQUEST_URL`)
 * and Azure Pipelines (`SYSTEM_OIDCREQUESTURI`). Each is also the OIDC issuer of its tokens, with
 * discovery and keys, so the test IdP can check a federated credential the way Entra does.
 * Endpoint names (for `requests` and `faults`): `token`, `discovery`, `keys`, `unknown`.
 */
export interface CiOidcFake {
  url: string;
  /** `iss` of the tokens. */
  issuer: string;
  /** `sub` of the tokens. */
  subject: string;
  /** What azsess needs in its environment to use this fake. */
  env: Record<string, string>;
  /** Lifetime of the next tokens, in seconds; negative makes tokens that have already expired. */
  tokenTtl: number;
  requests: RequestLog;
  /** The tokens issued (`federated_token`) and the request credential (`oidc_request_token`). */
  issued: IssuedValues;
  faults: Faults;
  /** The federated credential an app registration needs to trust these tokens. */
  federatedCredential(): { issuer: string; subject: string; audiences: string[] };
  close(): Promise<void>;
}

export interface CiOidcFakeOptions {
  subject?: string;
  /** Default 300 s (GitHub) or 600 s (Azure Pipelines). */
  tokenTtl?: number;
}

interface FakeSpec {
  /** Path below the server's URL that the issuer lives at ('' for the root). */
  issuerPath: string;
  subject: string;
  tokenTtl: number;
  /** Answers a request for the token endpoint. */
  answer(req: IncomingMessage, res: ServerResponse, fake: CiOidcFake, issuer: WorkloadTokenIssuer): void;
  tokenPath: string;
  env(url: string, requestToken: string): Record<string, string>;
}

async function startCiFake(spec: FakeSpec): Promise<CiOidcFake> {
  const requests = new RequestLog();
  const issued = new IssuedValues();
  const faults = new Faults();
  let fake: CiOidcFake | undefined;
  let issuer: WorkloadTokenIssuer | undefined;
  const server = await listenLoopback(async (req, res) => {
    const path = pathOf(req);
    const endpoint = path === spec.tokenPath ? 'token' : issuer?.endpointOf(path) ?? 'unknown';
    const record = requests.add({ method: req.method ?? 'GET', path, endpoint, time: Date.now(), headers: req.headers, query: parseQuery(req) });
    res.on('finish', () => { record.status = res.statusCode; });
    await faults.handle(endpoint, req, res, () => {
      if (endpoint === 'token') return spec.answer(req, res, fake!, issuer!);
      if (!issuer?.serve(req, res)) sendJson(res, 404, { message: `No route for ${path}.` });
    });
  });
  issuer = new WorkloadTokenIssuer(`${server.url}${spec.issuerPath}`, issued);
  const requestToken = randomBytes(24).toString('base64url');
  issued.record('oidc_request_token', requestToken);
  fake = {
    url: server.url,
    issuer: issuer.issuer,
    subject: spec.subject,
    env: spec.env(server.url, requestToken),
    tokenTtl: spec.tokenTtl,
    requests,
    issued,
    faults,
    federatedCredential: () => ({ issuer: issuer!.issuer, subject: spec.subject, audiences: [FEDERATED_AUDIENCE] }),
    close: () => server.close(),
  };
  return fake;
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
}

const githubTokenPath = '/_apis/distributedtask/hubs/Actions/plans/7e57-plan/jobs/7e57-job/idtoken';

/**
 * GitHub Actions: `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<aud>` with
 * `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` answers `{count, value}`. Without
 * `audience` the token's `aud` is the repository owner's URL, as on GitHub. A wrong bearer gets 401.
 */
export function startGitHubOidcFake(options: CiOidcFakeOptions = {}): Promise<CiOidcFake> {
  return startCiFake({
    issuerPath: '',
    subject: options.subject ?? 'repo:azsess/azsess:ref:refs/heads/main',
    tokenTtl: options.tokenTtl ?? 300,
    tokenPath: githubTokenPath,
    env: (url, requestToken) => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}${githubTokenPath}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    }),
    answer(req, res, fake, issuer) {
      if (req.method !== 'GET') return sendJson(res, 405, { message: 'Method not allowed.' });
      if (bearer(req) !== fake.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return sendJson(res, 401, { message: 'Unauthorized.' });
      const audience = parseQuery(req).audience ?? 'https://github.com/azsess';
      const value = issuer.sign({
        subject: fake.subject,
        audience,
        ttl: fake.tokenTtl,
        extra: { repository: 'azsess/azsess', repository_owner: 'azsess', ref: 'refs/heads/main', run_id: '7357', workflow: 'ci' },
      });
      sendJson(res, 200, { count: value.length, value });
    },
  });
}

const pipelinesOrgId = '7e57d0e5-0000-4000-8000-00000000de05';
const pipelinesTokenPath = '/azsess-org/7e57-project/_apis/distributedtask/hubs/build/plans/7e57-plan/jobs/7e57-job/oidctoken';
/** The id of the service connection the Azure Pipelines fake knows. */
export const TEST_SERVICE_CONNECTION_ID = '7e575c00-0000-4000-8000-0000000005c1';

/**
 * Azure Pipelines: `POST <SYSTEM_OIDCREQUESTURI>?api-version=7.1&serviceConnectionId=<id>` with
 * `Authorization: Bearer <SYSTEM_ACCESSTOKEN>` answers `{oidcToken}`. A wrong bearer gets 401 when
 * the request says `X-TFS-FedAuthRedirect: Suppress`, else (as Azure DevOps does) a 203 HTML sign-in
 * page. An unknown service connection gets 404.
 */
export function startAzurePipelinesOidcFake(options: CiOidcFakeOptions = {}): Promise<CiOidcFake> {
  return startCiFake({
    issuerPath: `/${pipelinesOrgId}`,
    subject: options.subject ?? 'sc://azsess-org/azsess-project/azsess-connection',
    tokenTtl: options.tokenTtl ?? 600,
    tokenPath: pipelinesTokenPath,
    env: (url, requestToken) => ({
      SYSTEM_OIDCREQUESTURI: `${url}${pipelinesTokenPath}`,
      SYSTEM_ACCESSTOKEN: requestToken,
      AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: TEST_SERVICE_CONNECTION_ID,
    }),
    answer(req, res, fake, issuer) {
      if (req.method !== 'POST') return sendJson(res, 405, { message: 'Method not allowed.' });
      if (bearer(req) !== fake.env.SYSTEM_ACCESSTOKEN) {
        if (req.headers['x-tfs-fedauthredirect'] === 'Suppress') return sendJson(res, 401, { message: 'TF400813: The user is not authorized to access this resource.' });
        return sendHtml(res, 203, '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body></body></html>');
      }
      const query = parseQuery(req);
      if (!query['api-version']) return sendJson(res, 400, { message: 'No api-version was supplied for the POST request.' });
      if (query.serviceConnectionId !== TEST_SERVICE_CONNECTION_ID) {
        return sendJson(res, 404, { message: `Service connection ${query.serviceConnectionId ?? ''} not found (${randomUUID()}).` });
      }
      sendJson(res, 200, { oidcToken: issuer.sign({ subject: fake.subject, audience: FEDERATED_AUDIENCE, ttl: fake.tokenTtl }) });
    },
  });
}
