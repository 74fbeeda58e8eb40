import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  AZURE_CLI_CLIENT_ID, decodeJwt, TEST_OTHER_TENANT_ID, TEST_SUBSCRIPTIONS, TEST_TENANT_DETAILS, TEST_TENANT_ID, TEST_USERS, TEST_USERNAME,
} from '../idp/index.js';
import { requiredKeys } from '../../src/store/codec.js';
import { snapshotDir, writeAzConfig, type AzProfileEntry, type AzSignIn } from '../support/az-config.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { repoRoot } from '../support/paths.js';
import { requires } from '../support/requires.js';
import { runCommand } from '../support/run-command.js';
import { DEVICE_CODE_GRANT, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome } from '../support/tmp-home.js';

/**
 * `azsess import az`: the Azure CLI's sign-in (its MSAL cache and azureProfile.json, written as az
 * writes them) becomes azsess's, so the next `azsess token` is a refresh with no sign-in, and az's
 * files stay byte for byte as they were.
 */
const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const alice = TEST_USERS[0]!;

/** azsess as a person who used az: az's client id, the IdP's login host. */
const env = (extra: Record<string, string> = {}) => ({ AZURE_AUTHORITY_HOST: fx.idp.url, AZURE_CLIENT_ID: AZURE_CLI_CLIENT_ID, ...extra });
const run = (args: string[], extra?: Record<string, string>) => runCli(args, { userHome: fx.tmp.userHome, env: env(extra) });

/** An az sign-in of alice at the test IdP (a real refresh token of az's client), made in a scratch home. */
async function azSignInOfAlice(): Promise<AzSignIn> {
  const scratch = makeTmpHome();
  try {
    const login = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code', '--tenant', TEST_TENANT_ID], { userHome: scratch.userHome, env: env() });
    assert.equal(login.code, 0, login.stderr);
    const session = readStoredSessions(scratch.home)[0]!;
    return {
      username: TEST_USERNAME, oid: alice.oid, homeTenant: TEST_TENANT_ID, realms: [TEST_TENANT_ID, TEST_OTHER_TENANT_ID],
      environment: new URL(fx.idp.url).host, refreshToken: session.refreshToken, accessToken: session.token, idToken: session.idToken,
    };
  } finally {
    scratch.cleanup();
  }
}

const profileOfAlice: AzProfileEntry[] = TEST_SUBSCRIPTIONS.filter((s) => s.users.includes(TEST_USERNAME)).map((s, i) => ({
  id: s.subscriptionId, name: s.displayName, tenantId: s.tenantId, isDefault: i === 1, user: { name: TEST_USERNAME, type: 'user' as const },
  tenantDisplayName: TEST_TENANT_DETAILS[s.tenantId]!.displayName, tenantDefaultDomain: TEST_TENANT_DETAILS[s.tenantId]!.defaultDomain,
}));

const azDir = () => join(fx.tmp.userHome, '.azure');

describe('azsess import az', () => {
  test("az's sign-in becomes azsess's: the next token is a refresh of az's refresh token, with no sign-in, and az's files are unchanged", async () => {
    writeAzConfig(azDir(), [await azSignInOfAlice()], profileOfAlice);
    const before = snapshotDir(azDir());
    fx.idp.requests.reset();

    const imported = await run(['import', 'az', '--config-dir', azDir()]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.stdout, '');
    assert.match(imported.stderr, /Imported the Azure CLI's sign-in of alice@azsess-test\.onmicrosoft\.com \(3 tenants, 3 subscriptions\)/);
    assert.equal(fx.idp.requests.all().length, 0, 'an import makes no request');
    assert.deepEqual(snapshotDir(azDir()), before, "az's files are byte for byte and mode for mode as they were");

    const token = await run(['token']);
    assert.equal(token.code, 0, token.stderr);
    const claims = decodeJwt(token.stdout.trim());
    assert.equal(claims.upn, TEST_USERNAME);
    assert.equal(claims.aud, 'https://management.azure.com');
    assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token', clientId: AZURE_CLI_CLIENT_ID }), 1);
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 0);
    assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: DEVICE_CODE_GRANT }), 0);

    // At the other tenant az had, and for another resource: still no sign-in.
    const other = await run(['token', '--tenant', TEST_OTHER_TENANT_ID, '--scope', 'https://storage.azure.com/.default', '--no-interactive']);
    assert.equal(other.code, 0, other.stderr);
    assert.equal(decodeJwt(other.stdout.trim()).tid, TEST_OTHER_TENANT_ID);
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 0);
    assert.deepEqual(snapshotDir(azDir()), before);
  });

  test("the sessions name the account and az's tenants, and the subscriptions are kept in the home in az's shape, 0600", async () => {
    writeAzConfig(azDir(), [await azSignInOfAlice()], profileOfAlice);
    const imported = await run(['import', 'az'], { AZURE_CONFIG_DIR: azDir() });
    assert.equal(imported.code, 0, imported.stderr);
    const sessions = readStoredSessions(fx.tmp.home);
    assert.deepEqual(sessions.map((s) => s.tenant).sort(), [TEST_TENANT_ID, TEST_OTHER_TENANT_ID, 'organizations'].sort());
    for (const s of sessions) {
      assert.equal(s.protocol, 'AzDeviceCodeFlowCredentials');
      assert.equal(s.clientId, AZURE_CLI_CLIENT_ID);
      assert.equal(s.account, TEST_USERNAME);
      assert.equal(s.accountOid, alice.oid);
      assert.equal(s.authority, fx.idp.url);
      assert.equal(s.token, '');
    }
    const path = join(fx.tmp.home, 'az-subscriptions.json');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const stored = (JSON.parse(readFileSync(path, 'utf8')) as { subscriptions: Array<Record<string, unknown>> }).subscriptions;
    assert.deepEqual(stored.map((a) => a.id), profileOfAlice.map((p) => p.id));
    assert.deepEqual(stored.map((a) => a.isDefault), [false, true, false], "az's default stays the default");
    assert.deepEqual(Object.keys(stored[0]!), [
      'environmentName', 'homeTenantId', 'id', 'isDefault', 'managedByTenants', 'name', 'state', 'tenantDefaultDomain', 'tenantDisplayName', 'tenantId', 'user',
    ]);
    assert.deepEqual(stored[0]!.user, { name: TEST_USERNAME, type: 'user' });
    // AzSessions.jl reads sessions.json only: the new file is not in it, and each entry has every key its reader needs.
    const raw = JSON.parse(readFileSync(join(fx.tmp.home, 'sessions.json'), 'utf8')) as { sessions: string[] };
    assert.doesNotMatch(JSON.stringify(raw), /subscriptions/);
    for (const entry of raw.sessions.map((e) => JSON.parse(e) as Record<string, unknown>)) {
      for (const key of requiredKeys('AzDeviceCodeFlowCredentials')) assert.equal(typeof entry[key], key === 'lock' ? 'boolean' : 'string', key);
    }

    chmodSync(path, 0o644);
    const status = await run(['status']);
    assert.match(status.stderr, /files in .* are open to other users, and az-subscriptions\.json names your subscriptions; fix it with: chmod 600 /);
  });

  test('a session azsess has with a live token is kept; importing again changes nothing of it', async () => {
    writeAzConfig(azDir(), [await azSignInOfAlice()], profileOfAlice);
    assert.equal((await run(['import', 'az', '--config-dir', azDir()])).code, 0);
    assert.equal((await run(['token'])).code, 0);
    const live = readStoredSessions(fx.tmp.home).find((s) => s.tenant === 'organizations')!;
    assert.notEqual(live.token, '');
    const again = await run(['import', 'az', '--config-dir', azDir()]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readStoredSessions(fx.tmp.home).find((s) => s.tenant === 'organizations')!.token, live.token);
  });

  test("with azsess set to the browser sign-in (auth-code), the sessions are of that protocol and refresh the same way", async () => {
    writeAzConfig(azDir(), [await azSignInOfAlice()], profileOfAlice);
    fx.idp.requests.reset();
    assert.equal((await run(['import', 'az', '--config-dir', azDir()], { AZSESS_PROTOCOL: 'auth-code' })).code, 0);
    assert.deepEqual([...new Set(readStoredSessions(fx.tmp.home).map((s) => s.protocol))], ['AzAuthCodeFlowCredentials']);
    const token = await run(['token', '--no-interactive', '--tenant', TEST_TENANT_ID], { AZSESS_PROTOCOL: 'auth-code' });
    assert.equal(token.code, 0, token.stderr);
    assert.equal(fx.idp.requests.count({ endpoint: 'authorize' }), 0);
    assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
  });

  // MSAL Python comes with python3-azure (azure-identity is built on it), as with az itself.
  test("a cache MSAL Python itself wrote (as az does; Debian's python3-msal) imports and refreshes the same way", { skip: requires('python3-azure') }, async () => {
    const signIn = await azSignInOfAlice();
    const clientInfo = Buffer.from(JSON.stringify({ uid: alice.oid, utid: TEST_TENANT_ID })).toString('base64url');
    const events = [{
      client_id: AZURE_CLI_CLIENT_ID, scope: ['https://management.core.windows.net//.default'], environment: signIn.environment,
      // MSAL takes the realm from an https token endpoint's path; the environment above is the IdP's.
      token_endpoint: `https://${signIn.environment}/${TEST_TENANT_ID}/oauth2/v2.0/token`,
      response: { token_type: 'Bearer', expires_in: 3600, access_token: signIn.accessToken, refresh_token: signIn.refreshToken, id_token: signIn.idToken, client_info: clientInfo, foci: '1' },
    }];
    const written = await runCommand('/usr/bin/python3', [join(repoRoot, 'test', 'support', 'sdk-clients', 'msal_cache_writer.py')], { env: { PATH: '/usr/bin:/bin' }, input: JSON.stringify(events) });
    assert.equal(written.code, 0, written.stderr);
    writeAzConfig(azDir(), [], profileOfAlice);
    writeFileSync(join(azDir(), 'msal_token_cache.json'), written.stdout, { mode: 0o600 });
    const imported = await run(['import', 'az', '--config-dir', azDir()]);
    assert.equal(imported.code, 0, imported.stderr);
    fx.idp.requests.reset();
    const token = await run(['token', '--tenant', TEST_TENANT_ID, '--no-interactive']);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(decodeJwt(token.stdout.trim()).upn, TEST_USERNAME);
    assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
  });

  /** A failed import: exit 6, one sentence on stderr, nothing on stdout, nothing in the home. */
  async function refused(args: string[], message: RegExp, extra?: Record<string, string>): Promise<void> {
    const before = snapshotIfAny(azDir());
    const result = await run(['import', 'az', ...args], extra);
    assert.equal(result.code, 6, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.throws(() => statSync(join(fx.tmp.home, 'sessions.json')), { code: 'ENOENT' });
    assert.deepEqual(snapshotIfAny(azDir()), before);
  }
  const snapshotIfAny = (dir: string) => { try { return snapshotDir(dir); } catch { return undefined; } };

  test('no az directory (AZURE_CONFIG_DIR, else ~/.azure): exit 6 saying to run az login or name the directory', async () => {
    await refused([], /^azsess: error: No Azure CLI sign-in to import in .*\/\.azure \(no msal_token_cache\.json\); run 'az login' first, or name az's directory with --config-dir or AZURE_CONFIG_DIR\.\n$/);
    await refused([], /^azsess: error: No Azure CLI sign-in to import in \/nonexistent\/az /, { AZURE_CONFIG_DIR: '/nonexistent/az' });
  });

  test('an encrypted cache (msal_token_cache.bin) is refused with why and what to do', async () => {
    writeAzConfig(azDir(), [], []);
    const { unlinkSync } = await import('node:fs');
    unlinkSync(join(azDir(), 'msal_token_cache.json'));
    writeFileSync(join(azDir(), 'msal_token_cache.bin'), Buffer.from([1, 0, 0, 0, 0xd0, 0x8c, 0x9d, 0xdf]));
    await refused(['--config-dir', azDir()], /^azsess: error: The Azure CLI's sign-in in .* is encrypted \(msal_token_cache\.bin, which only az on this Windows account can decrypt\), so azsess cannot read it; run 'azsess login' instead\.\n$/);
  });

  test('a cache that is not JSON, a profile that is not, a cache without a refresh token: one sentence each, exit 6', async () => {
    writeAzConfig(azDir(), [], []);
    writeFileSync(join(azDir(), 'msal_token_cache.json'), '{"RefreshToken": [');
    await refused(['--config-dir', azDir()], /^azsess: error: The Azure CLI's .*msal_token_cache\.json is not an MSAL token cache \(not the JSON az writes\), so nothing was imported; run 'az login' again, or 'azsess login'\.\n$/);
    writeAzConfig(azDir(), [], []);
    await refused(['--config-dir', azDir()], /^azsess: error: The Azure CLI's sign-in in .* has no refresh token of a person for its client 04b07795-8ddb-461a-bbee-02f9e1bf7b46, so there is nothing to import; run 'az login' first, or 'azsess login'\.\n$/);
    writeAzConfig(azDir(), [{ username: TEST_USERNAME, oid: alice.oid, homeTenant: TEST_TENANT_ID, realms: [TEST_TENANT_ID], environment: new URL(fx.idp.url).host, refreshToken: 'opaque' }], []);
    writeFileSync(join(azDir(), 'azureProfile.json'), '\ufeff[1, 2');
    await refused(['--config-dir', azDir()], /^azsess: error: The Azure CLI's .*azureProfile\.json is not the JSON az writes \(an object with a "subscriptions" list\), so nothing was imported; fix or move it away and import again\.\n$/);
  });
});
