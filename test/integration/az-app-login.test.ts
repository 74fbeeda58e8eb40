import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  decodeJwt,
  FEDERATED_AUDIENCE,
  startGitHubOidcFake,
  startImdsFake,
  startTestTokenIssuer,
  TEST_CLIENT_CERTIFICATE_PATH,
  TEST_CLIENT_SECRET,
  TEST_CONFIDENTIAL_CLIENT_ID,
  TEST_SUBSCRIPTIONS,
  TEST_OTHER_TENANT_ID,
  TEST_SYSTEM_IDENTITY,
  TEST_TENANT_ID,
  TEST_USER_ASSIGNED_IDENTITY,
  type CiOidcFake,
  type ManagedIdentityFake,
  type TestTokenIssuer,
} from '../idp/index.js';
import { azIdpEnv } from '../support/az-link.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { runCli, type CliResult } from '../support/run-cli.js';

/**
 * `az login --service-principal` (secret, certificate, federated token) and `az login --identity`,
 * as the GitHub azure/login action and Azure Pipelines' AzureCLI task sign in: through the built
 * CLI, against the test IdP, its ARM and the IMDS fake. The app or identity is then whose token
 * every az caller gets, with no terminal, until az logout or account clear.
 */

const fx = useIdpAndHome();
const [dev] = TEST_SUBSCRIPTIONS;
const workloadSubject = 'repo:azsess/azsess:environment:production';
let issuer: TestTokenIssuer;
let imds: ManagedIdentityFake;
let github: CiOidcFake;

// Started after the IdP (useIdpAndHome's hook), beside it.
let started: Promise<void> | undefined;
const startFakes = () =>
  (started ??= (async () => {
    [issuer, imds, github] = await Promise.all([startTestTokenIssuer(), startImdsFake(), startGitHubOidcFake()]);
    fx.idp.addFederatedCredential({ issuer: issuer.issuer, subject: workloadSubject });
    fx.idp.addFederatedCredential(github.federatedCredential());
    fx.idp.trustArmSigningKeys(imds.jwks as { keys: Array<Record<string, unknown>> });
  })());
after(() => Promise.all([issuer?.close(), imds?.close(), github?.close()]));

const env = (extra: Record<string, string> = {}) => azIdpEnv(fx.idp, { AZSESS_ARM_ENDPOINT: fx.idp.url, ...extra });
const az = (args: string[], extra?: Record<string, string>) => runCli(['az', ...args], { userHome: fx.tmp.userHome, env: env(extra) });
const spLogin = (...proof: string[]) => az(['login', '--service-principal', '-u', TEST_CONFIDENTIAL_CLIENT_ID, '--tenant', TEST_TENANT_ID, ...proof]);

type Account = { id: string; name: string; tenantId: string; isDefault: boolean; user: { name: string; type: string; assignedIdentityInfo?: string } };

function ok<T>(r: CliResult, stderr = ''): T {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, stderr);
  return JSON.parse(r.stdout) as T;
}

const appUser = { name: TEST_CONFIDENTIAL_CLIENT_ID, type: 'servicePrincipal' };

describe('az login --service-principal', () => {
  before(startFakes);
  test('-p SECRET: warns on stderr, prints the app\'s subscriptions, and every caller then gets the app\'s token with no terminal', async () => {
    const login = await spLogin('-p', TEST_CLIENT_SECRET);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /^WARNING: -p puts the client secret in the process list and your shell history; prefer --certificate or --federated-token\.\n$/);
    assert.doesNotMatch(login.stderr + login.stdout, new RegExp(TEST_CLIENT_SECRET.replace(/[.~]/g, '\\$&')));
    const accounts = JSON.parse(login.stdout) as Account[];
    assert.deepEqual(accounts.map((a) => a.id), [dev!.subscriptionId], 'the subscription the app has a role on, in its tenant');
    assert.deepEqual(accounts[0]!.user, appUser);
    assert.equal(accounts[0]!.isDefault, true);

    const record = join(fx.tmp.home, 'az-login.json');
    assert.equal(statSync(record).mode & 0o777, 0o600);

    for (const resource of ['https://management.core.windows.net/', 'https://vault.azure.net']) {
      const token = ok<{ accessToken: string; tenant: string }>(await az(['account', 'get-access-token', '--resource', resource, '-o', 'json']));
      const claims = decodeJwt(token.accessToken);
      assert.equal(claims.appid ?? claims.azp, TEST_CONFIDENTIAL_CLIENT_ID, resource);
      assert.equal(claims.idtyp, 'app');
      assert.equal(token.tenant, TEST_TENANT_ID);
    }
    assert.deepEqual(ok<Account>(await az(['account', 'show'])).user, appUser);
    // Kept once, as the manifest keeps one: in az-login.json, never in a session or another file.
    const holders = readdirSync(fx.tmp.home).filter((f) => statSync(join(fx.tmp.home, f)).isFile() && readFileSync(join(fx.tmp.home, f), 'utf8').includes(TEST_CLIENT_SECRET));
    assert.deepEqual(holders, ['az-login.json']);
    assert.equal(readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8').split(TEST_CLIENT_SECRET).length, 2, 'one copy');
  });

  test('--certificate PEM, and -p naming the PEM file (az\'s older form, no warning): a client assertion, no secret kept', async () => {
    for (const proof of [['--certificate', TEST_CLIENT_CERTIFICATE_PATH], ['-p', TEST_CLIENT_CERTIFICATE_PATH]]) {
      const accounts = ok<Account[]>(await spLogin(...proof));
      assert.deepEqual(accounts[0]!.user, appUser, proof[0]);
      const request = fx.idp.requests.last({ endpoint: 'token' })!;
      assert.ok(request.form?.client_assertion, 'signed in with the certificate');
      assert.equal(request.form?.client_secret, undefined);
      const token = ok<{ accessToken: string }>(await az(['account', 'get-access-token', '--scope', 'https://storage.azure.com/.default']));
      assert.equal(decodeJwt(token.accessToken).appid ?? decodeJwt(token.accessToken).azp, TEST_CONFIDENTIAL_CLIENT_ID);
      assert.doesNotMatch(readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8'), /client_secret/);
    }
  });

  test('--federated-token: used for every resource while valid, never kept in a session; expired, one sentence to sign in again', async () => {
    const given = issuer.sign({ subject: workloadSubject, audience: FEDERATED_AUDIENCE });
    ok<Account[]>(await spLogin('--federated-token', given));
    const token = ok<{ accessToken: string }>(await az(['account', 'get-access-token', '--resource', 'https://vault.azure.net']));
    assert.equal(decodeJwt(token.accessToken).appid ?? decodeJwt(token.accessToken).azp, TEST_CONFIDENTIAL_CLIENT_ID);
    const sessions = readFileSync(join(fx.tmp.home, 'sessions.json'), 'utf8');
    assert.ok(!sessions.includes(given), 'sessions.json never holds the federated token');
    assert.ok(!readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8').includes(given), 'the record names the token file, not the token');

    const record = readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8');
    const closing = issuer.sign({ subject: workloadSubject, audience: FEDERATED_AUDIENCE, ttl: 30 });
    const refused = await spLogin('--federated-token', closing);
    assert.equal(refused.code, 1, 'a token that expires within the minute is refused at login');
    assert.match(refused.stderr, /federated token az login was given expires within a minute or has expired; run az login --service-principal --federated-token again with a fresh one\./);
    assert.ok(!refused.stderr.includes(closing));
    assert.equal(readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8'), record, 'the kept login is unchanged');

    // The kept token runs out (a long job): the next caller gets the sentence, never the token.
    const file = readdirSync(fx.tmp.home).find((f) => f.startsWith('az-federated-token-'));
    assert.ok(file, 'the token is kept in its own file');
    const expired = issuer.sign({ subject: workloadSubject, audience: FEDERATED_AUDIENCE, ttl: -10 });
    writeFileSync(join(fx.tmp.home, file), expired, { mode: 0o600 });
    const later = await az(['account', 'get-access-token', '--resource', 'https://storage.azure.com/']);
    assert.equal(later.code, 1, later.stderr);
    assert.match(later.stderr, /federated token az login was given expires within a minute or has expired/);
    assert.ok(!later.stderr.includes(expired));

    // In a GitHub job, the expired token gives way to a fresh one from the job's own source.
    github.requests.reset();
    const fresh = ok<{ accessToken: string }>(await az(['account', 'get-access-token', '--resource', 'https://storage.azure.com/'], github.env));
    assert.equal(decodeJwt(fresh.accessToken).appid ?? decodeJwt(fresh.accessToken).azp, TEST_CONFIDENTIAL_CLIENT_ID);
    assert.equal(github.requests.count({ endpoint: 'token' }), 1, "asked the job's OIDC endpoint once");
  });

  test('a login that fails keeps the identity before it; az logout forgets the app, and az account clear its record', async () => {
    ok<Account[]>(await spLogin('--certificate', TEST_CLIENT_CERTIFICATE_PATH));
    const before = readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8');
    const wrong = await spLogin('-p', 'not-the-secret~x');
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /AADSTS7000215/);
    assert.equal(readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8'), before, 'the kept login is unchanged');
    ok<{ accessToken: string }>(await az(['account', 'get-access-token']));

    // The token comes, but Azure Resource Manager refuses the listing: as az, the login fails
    // and the identity before it stays (az keeps an account only once its subscriptions are listed).
    const refusing = createServer((req, res) => {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'AuthorizationFailed', message: 'The client does not have authorization.' } }));
    });
    await new Promise<void>((done) => refusing.listen(0, '127.0.0.1', done));
    try {
      const armEndpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      const unlisted = await az(['login', '--identity'], { AZSESS_ARM_ENDPOINT: armEndpoint, ...imds.env });
      assert.notEqual(unlisted.code, 0, unlisted.stderr);
      assert.equal(readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8'), before, 'the kept login is still the app');
      assert.deepEqual(ok<Account>(await az(['account', 'show'])).user, appUser);
    } finally {
      refusing.close();
    }

    const out = await az(['logout']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, '');
    assert.ok(!existsSync(join(fx.tmp.home, 'az-login.json')) || readFileSync(join(fx.tmp.home, 'az-login.json'), 'utf8').trim() === '{}');
    const after = await az(['account', 'get-access-token']);
    assert.equal(after.code, 1, 'no one is signed in: az\'s failure');
    assert.match(after.stderr, /az login/);

    ok<Account[]>(await spLogin('--certificate', TEST_CLIENT_CERTIFICATE_PATH));
    assert.equal((await az(['account', 'clear'])).code, 0);
    assert.equal((await az(['account', 'get-access-token'])).code, 1, 'account clear forgets the app too');
  });

  test('usage errors as az words them: no -u, no tenant, no proof, two proofs, --identity with other arguments', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['login', '--service-principal', '-p', 'x', '--tenant', TEST_TENANT_ID], /usage error: --service-principal --username NAME --password SECRET --tenant TENANT/i],
      [['login', '--service-principal', '-u', TEST_CONFIDENTIAL_CLIENT_ID, '-p', 'x'], /--tenant is needed/],
      [['login', '--service-principal', '-u', TEST_CONFIDENTIAL_CLIENT_ID, '--tenant', TEST_TENANT_ID], /non-interactive mode/],
      [['login', '--service-principal', '-u', TEST_CONFIDENTIAL_CLIENT_ID, '--tenant', TEST_TENANT_ID, '-p', 'x', '--federated-token', 'y'], /give one of -p, --certificate and --federated-token/],
      [['login', '--identity', '--tenant', TEST_TENANT_ID], /'--identity' is not applicable with other arguments/],
      [['login', '--identity', '--client-id', 'a', '--object-id', 'b'], /at most one/],
    ];
    for (const [args, message] of cases) {
      const r = await az(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });
});

describe('az login --identity', () => {
  before(startFakes);
  test('system-assigned: its subscriptions from ARM, az\'s user, and its tokens for every caller', async () => {
    const accounts = ok<Account[]>(await az(['login', '--identity'], imds.env));
    assert.deepEqual(accounts.map((a) => a.id), [dev!.subscriptionId]);
    assert.deepEqual(accounts[0]!.user, { assignedIdentityInfo: 'MSI', name: 'systemAssignedIdentity', type: 'servicePrincipal' });
    const token = ok<{ accessToken: string }>(await az(['account', 'get-access-token', '--resource', 'https://vault.azure.net'], imds.env));
    assert.equal(decodeJwt(token.accessToken).oid, TEST_SYSTEM_IDENTITY.objectId);
    assert.equal(imds.requests.last({ endpoint: 'token' })!.query.resource, 'https://vault.azure.net');
    const elsewhere = await az(['account', 'get-access-token', '--tenant', TEST_OTHER_TENANT_ID], imds.env);
    assert.equal(elsewhere.code, 1, 'as az: no tenant for a managed identity');
    assert.match(elsewhere.stderr, /^ERROR: Tenant shouldn't be specified for managed identity account/);
  });

  test('user-assigned by client id (or -u, az 2.45\'s form): that identity; with no subscription, a tenant-level account', async () => {
    for (const args of [['--client-id', TEST_USER_ASSIGNED_IDENTITY.clientId], ['-u', TEST_USER_ASSIGNED_IDENTITY.clientId]]) {
      const accounts = ok<Account[]>(await az(['login', '--identity', ...args], imds.env));
      assert.deepEqual(accounts[0]!.user, {
        assignedIdentityInfo: `MSIClient-${TEST_USER_ASSIGNED_IDENTITY.clientId}`, name: 'userAssignedIdentity', type: 'servicePrincipal',
      });
      assert.equal(accounts[0]!.name, 'N/A(tenant level account)');
      const token = ok<{ accessToken: string }>(await az(['account', 'get-access-token'], imds.env));
      assert.equal(decodeJwt(token.accessToken).oid, TEST_USER_ASSIGNED_IDENTITY.objectId);
    }
  });
});
