import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  decodeJwt, FEDERATED_AUDIENCE, JWT_BEARER, startAzurePipelinesOidcFake, startGitHubOidcFake, startTestIdp, startTestTokenIssuer,
  type CiOidcFake, type TestIdp, type TestTokenIssuer,
} from '../idp/index.js';
import { expireStoredTokens } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

const clusterSubject = 'system:serviceaccount:ci:runner';

let idp: TestIdp;
let github: CiOidcFake;
let pipelines: CiOidcFake;
let cluster: TestTokenIssuer;
let tmp: TmpHome;

before(async () => {
  [idp, github, pipelines, cluster] = await Promise.all([startTestIdp(), startGitHubOidcFake(), startAzurePipelinesOidcFake(), startTestTokenIssuer()]);
  idp.addFederatedCredential(github.federatedCredential());
  idp.addFederatedCredential(pipelines.federatedCredential());
  idp.addFederatedCredential({ issuer: cluster.issuer, subject: clusterSubject });
});
after(() => Promise.all([idp.close(), github.close(), pipelines.close(), cluster.close()]));
beforeEach(() => {
  tmp = makeTmpHome();
  for (const server of [idp, github, pipelines]) server.requests.reset();
  github.tokenTtl = 300;
});
afterEach(() => tmp.cleanup());

/** What a CI job has: the app and tenant, the CI system's variables, and no secret. */
function ciEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { AZURE_AUTHORITY_HOST: idp.url, AZURE_TENANT_ID: idp.tenantId, AZURE_CLIENT_ID: idp.confidentialClientId, ...extra };
}

const run = (args: string[], env: Record<string, string>) => runCli(['token', '--protocol', 'federated', ...args], { userHome: tmp.userHome, env });

function lastAssertion(): string {
  const form = idp.requests.last({ endpoint: 'token' })!.form!;
  assert.equal(form.client_assertion_type, JWT_BEARER);
  return form.client_assertion!;
}

function storedFile(): { sessions: unknown[]; azsess?: { sessions: Array<Record<string, unknown>> } } {
  return JSON.parse(readFileSync(join(tmp.home, 'sessions.json'), 'utf8')) as ReturnType<typeof storedFile>;
}

function assertNoLeaks(text: string): void {
  assert.deepEqual([...idp.issued.findIn(text), ...github.issued.findIn(text), ...pipelines.issued.findIn(text), ...cluster.issued.findIn(text)], []);
}

describe('federated credentials', () => {
  test('GitHub Actions: a fresh GitHub token for every Entra request, the source recorded and never the token', async () => {
    const env = ciEnv(github.env);
    const first = await run(['--verbose'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(decodeJwt(first.stdout.trim()).appidacr, '2');
    const fetch = github.requests.last({ endpoint: 'token' })!;
    assert.equal(fetch.query.audience, FEDERATED_AUDIENCE);
    assert.equal(fetch.query['api-version'], '2.0', 'the query of ACTIONS_ID_TOKEN_REQUEST_URL is kept');
    assert.equal(fetch.headers.authorization, `Bearer ${github.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`);
    const firstAssertion = lastAssertion();
    assert.equal(github.issued.kindOf(firstAssertion), 'federated_token');
    assert.match(first.stderr, /Federated token from GitHub Actions: issuer http:\/\/127\.0\.0\.1:\d+, subject repo:azsess\/azsess:ref:refs\/heads\/main/);

    const file = storedFile();
    assert.deepEqual(file.sessions, [], 'nothing in the array AzSessions.jl reads');
    const entry = file.azsess!.sessions[0]!;
    assert.equal(entry.protocol, 'AzFederatedCredentials');
    assert.deepEqual(entry.azsess_options, { federated_source: 'github', federated_audience: FEDERATED_AUDIENCE });
    assert.ok(!readFileSync(join(tmp.home, 'sessions.json'), 'utf8').includes(firstAssertion));

    assert.equal((await run([], env)).stdout, first.stdout, 'a cache hit');
    assert.equal(github.requests.count({ endpoint: 'token' }), 1);
    expireStoredTokens(tmp.home);
    const second = await run([], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(idp.requests.count({ endpoint: 'token' }), 2);
    assert.equal(github.requests.count({ endpoint: 'token' }), 2, 'two Entra requests, two assertion fetches');
    assert.notEqual(lastAssertion(), firstAssertion);
    assertNoLeaks(first.stderr + second.stderr);
  });

  test('Azure Pipelines: POST with the service connection, api-version 7.1 and no sign-in redirect', async () => {
    const r = await run(['--resource', 'https://vault.azure.net', '--verbose'], ciEnv(pipelines.env));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(decodeJwt(r.stdout.trim()).aud, 'https://vault.azure.net');
    const fetch = pipelines.requests.last({ endpoint: 'token' })!;
    assert.equal(fetch.method, 'POST');
    assert.deepEqual(fetch.query, { 'api-version': '7.1', serviceConnectionId: pipelines.env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID });
    assert.equal(fetch.headers['x-tfs-fedauthredirect'], 'Suppress');
    assert.equal(pipelines.issued.kindOf(lastAssertion()), 'federated_token');
    const status = await runCli(['status', '--output', 'json'], { userHome: tmp.userHome, env: ciEnv() });
    const summary = (JSON.parse(status.stdout) as { sessions: Array<{ options?: Record<string, string> }> }).sessions[0]!;
    assert.deepEqual(summary.options, { federated_source: 'azure-pipelines', service_connection_id: pipelines.env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID });
    assertNoLeaks(r.stderr + status.stdout);
  });

  test('a token file (AKS workload identity) is read again for every request', async () => {
    const path = join(tmp.userHome, 'azure-identity-token');
    writeFileSync(path, cluster.sign({ subject: clusterSubject, audience: FEDERATED_AUDIENCE }));
    const env = ciEnv({ AZURE_FEDERATED_TOKEN_FILE: path });
    assert.equal((await run(['--protocol', 'workload-identity'], env)).code, 0);
    const renewed = cluster.sign({ subject: clusterSubject, audience: FEDERATED_AUDIENCE });
    writeFileSync(path, `${renewed}\n`);
    expireStoredTokens(tmp.home);
    const r = await run([], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastAssertion(), renewed, 'the rotated token, not the first one');
    assert.deepEqual(storedFile().azsess!.sessions[0]!.azsess_options, { federated_source: 'file', federated_token_file: path });
  });

  test('a wrong audience, an expired token or an unknown subject is exit 4 quoting the AADSTS code', async () => {
    const audience = await run(['--federated-audience', 'api://Other'], ciEnv(github.env));
    assert.equal(audience.code, 4, audience.stderr);
    assert.match(audience.stderr, /Entra ID refused the federated token from GitHub Actions: AADSTS700212: No matching federated identity record found for presented assertion audience 'api:\/\/Other'/);
    github.tokenTtl = -120;
    const expired = await run([], ciEnv(github.env));
    assert.equal(expired.code, 4, expired.stderr);
    assert.match(expired.stderr, /AADSTS700024: Client assertion is not within its valid time range/);
    const path = join(tmp.userHome, 'token');
    writeFileSync(path, cluster.sign({ subject: 'system:serviceaccount:ci:intruder', audience: FEDERATED_AUDIENCE }));
    const subject = await run(['--federated-token-file', path], ciEnv());
    assert.equal(subject.code, 4, subject.stderr);
    assert.match(subject.stderr, /AADSTS70021: No matching federated identity record found for presented assertion\. Assertion Issuer: '[^']+'\. Assertion Subject: 'system:serviceaccount:ci:intruder'/);
    assert.match(subject.stderr, /add a federated credential to the app registration/);
    assertNoLeaks(audience.stderr + expired.stderr + subject.stderr);
  });

  test('a missing source, service connection or file is exit 6, a refused CI credential exit 4, a misplaced flag exit 2', async () => {
    const none = await run([], ciEnv());
    assert.equal(none.code, 6, none.stderr);
    assert.match(none.stderr, /No federated token source found here/);
    const { AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: _id, ...withoutConnection } = pipelines.env;
    const connection = await run([], ciEnv(withoutConnection));
    assert.equal(connection.code, 6, connection.stderr);
    assert.match(connection.stderr, /needs the service connection id: pass --service-connection-id or set AZURESUBSCRIPTION_SERVICE_CONNECTION_ID/);
    const missing = await run(['--federated-token-file', join(tmp.userHome, 'absent')], ciEnv());
    assert.equal(missing.code, 6);
    assert.match(missing.stderr, /Could not read the federated token file .*absent \(ENOENT\)/);
    const refused = await run([], ciEnv({ ...github.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-job-token' }));
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /GitHub Actions OIDC endpoint at 127\.0\.0\.1:\d+ refused the request \(HTTP 401\)/);
    const misplaced = await run(['--federated-token-source', 'file', '--federated-audience', 'api://x'], ciEnv({ AZURE_FEDERATED_TOKEN_FILE: '/x' }));
    assert.equal(misplaced.code, 2);
    assert.match(misplaced.stderr, /--federated-audience does not apply to the file token source/);
    assert.equal(idp.requests.count(), 0);
  });
});
