import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeJwt, TEST_GUEST_OID_IN_OTHER, TEST_GUEST_PASSWORD, TEST_GUEST_USERNAME, TEST_OTHER_TENANT_ID, TEST_USER2_PASSWORD, TEST_USER2_USERNAME, TEST_USER3_PASSWORD, TEST_USER3_USERNAME,
} from '../idp/index.js';
import { withAuthorizeUrl } from '../support/auth-code-session.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { expireStoredTokens, idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { requires } from '../support/requires.js';
import { runCli } from '../support/run-cli.js';

/** Issue 11: several accounts, other tenants. Every run goes through the built CLI. */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });

const ALICE = 'alice@azsess-test.onmicrosoft.com';
const BOB = { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD };
const CAROL = { username: TEST_USER3_USERNAME, password: TEST_USER3_PASSWORD };
const STORAGE = 'https://storage.azure.com/.default';

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, env) });
function login(args: string[] = [], who: { username?: string; password?: string } = {}, env: Record<string, string> = {}) {
  return withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code', ...args], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, env) }, who);
}
// ARM tokens are v1 (upn), others v2 (preferred_username), as from Entra.
const userOf = (token: string) => { const claims = decodeJwt(token.trim()); return claims.preferred_username ?? claims.upn; };

describe('accounts', () => {
  test('finding 1: two people, same client and tenant: every token is the default account’s, and neither session replaces the other', async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await login([], BOB)).code, 0);
    const sessions = readStoredSessions(fx.tmp.home);
    assert.deepEqual(sessions.map((s) => s.account).sort(), [ALICE, BOB.username], "alice's session is still there");

    const arm = await run(['token']);
    const storage = await run(['token', '--scope', STORAGE, '--no-interactive']);
    const aliceArm = await run(['token', '--account', ALICE]);
    const aliceStorage = await run(['token', '--account', ALICE, '--scope', STORAGE, '--no-interactive']);
    for (const r of [arm, storage, aliceArm, aliceStorage]) assert.equal(r.code, 0, r.stderr);
    assert.equal(userOf(arm.stdout), BOB.username, 'the default is the account that signed in last');
    assert.equal(userOf(storage.stdout), BOB.username, "a new audience uses the default account's refresh token");
    assert.equal(userOf(aliceArm.stdout), ALICE);
    assert.equal(userOf(aliceStorage.stdout), ALICE, "--account alice uses alice's refresh token");
    assert.equal(readStoredSessions(fx.tmp.home).length, 4);
  });

  test('--account by object id, AZSESS_ACCOUNT, and the flag winning over the variable', async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await login([], CAROL)).code, 0);
    const carolOid = fx.idp.users.find((u) => u.username === CAROL.username)!.oid;
    const aliceOid = fx.idp.users.find((u) => u.username === ALICE)!.oid;
    fx.idp.requests.reset();
    assert.equal(userOf((await run(['token', '--account', aliceOid])).stdout), ALICE);
    assert.equal(userOf((await run(['token'], { AZSESS_ACCOUNT: ALICE })).stdout), ALICE);
    assert.equal(userOf((await run(['token', '--account', carolOid], { AZSESS_ACCOUNT: ALICE })).stdout), CAROL.username);
    assert.equal(fx.idp.requests.count(), 0, 'each is a cache hit');
    const nobody = await run(['token', '--account', 'dave@azsess-test.onmicrosoft.com']);
    assert.equal(nobody.code, 3, nobody.stderr);
    assert.match(nobody.stderr, /dave@azsess-test\.onmicrosoft\.com/);
    assert.match(nobody.stderr, /run: azsess login .*--account dave@azsess-test\.onmicrosoft\.com/);
  });

  test('a refresh after expiry stays with its account', async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await login([], BOB)).code, 0);
    expireStoredTokens(fx.tmp.home);
    const alice = await run(['token', '--account', ALICE]);
    assert.equal(alice.code, 0, alice.stderr);
    assert.equal(userOf(alice.stdout), ALICE);
    const bob = await run(['token']);
    assert.equal(userOf(bob.stdout), BOB.username, 'refreshing alice did not make her the default');
  });

  test('a herd of two people on expired sessions: one refresh each, and everyone gets their own token', async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await login([], BOB)).code, 0);
    expireStoredTokens(fx.tmp.home);
    fx.idp.requests.reset();
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => run(i % 2 === 0 ? ['token', '--account', ALICE] : ['token'])));
    runs.forEach((r, i) => {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(userOf(r.stdout), i % 2 === 0 ? ALICE : BOB.username);
    });
    assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 2);
    assert.equal(readStoredSessions(fx.tmp.home).length, 2);
  });

  test('a sign-in as another account than --account is refused with exit 4 and stores nothing', async () => {
    const r = await login(['--account', BOB.username]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /alice@azsess-test\.onmicrosoft\.com.*bob@azsess-test\.onmicrosoft\.com|bob@azsess-test\.onmicrosoft\.com.*alice@azsess-test\.onmicrosoft\.com/);
    assert.match(r.stderr, /nothing was stored/i);
    assert.throws(() => readStoredSessions(fx.tmp.home));
  });

  test('status lists the accounts with the default marked, in text and JSON; --account filters', async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await login([], BOB)).code, 0);
    const json = JSON.parse((await run(['status', '--output', 'json'])).stdout);
    const accounts = json.accounts as Array<{ account: string; default: boolean }>;
    assert.deepEqual(accounts.map((a) => [a.account, a.default]).sort(), [[ALICE, false], [BOB.username, true]]);
    const text = (await run(['status'])).stdout;
    assert.match(text, new RegExp(`\\* ${BOB.username.replace(/\./g, '\\.')} \\(default\\)`));
    const onlyAlice = JSON.parse((await run(['status', '--output', 'json', '--account', ALICE])).stdout);
    assert.deepEqual(onlyAlice.sessions.map((s: { account: string }) => s.account), [ALICE]);
  });

  test('clear-cache --account removes only that account’s sessions', async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await login([], BOB)).code, 0);
    const r = await run(['clear-cache', '--account', BOB.username]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readStoredSessions(fx.tmp.home).map((s) => s.account), [ALICE]);
  });

  test('clear-cache takes the account as token does: AZSESS_ACCOUNT trimmed, --account first, --account with an app protocol refused', async () => {
    assert.equal((await login()).code, 0);
    assert.equal((await login([], BOB)).code, 0);
    const padded = { AZSESS_ACCOUNT: ` ${ALICE} ` };
    assert.equal(userOf((await run(['token'], padded)).stdout), ALICE, 'token trims AZSESS_ACCOUNT');
    const app = await run(['token', '--protocol', 'client-credentials', '--account', ALICE]);
    const appClear = await run(['clear-cache', '--protocol', 'client-credentials', '--account', ALICE]);
    assert.equal(app.code, 2, app.stderr);
    assert.deepEqual([appClear.code, appClear.stderr], [app.code, app.stderr]);
    // The flag wins over the variable (blank, it is not given), as for token.
    const flagFirst = await run(['clear-cache', '--account', BOB.username], padded);
    assert.match(flagFirst.stderr, /Removed 1 session /);
    assert.deepEqual(readStoredSessions(fx.tmp.home).map((s) => s.account), [ALICE]);
    const variable = await run(['clear-cache'], padded);
    assert.match(variable.stderr, /Removed 1 session /, variable.stderr);
    assert.deepEqual(readStoredSessions(fx.tmp.home), []);
  });

  // Issue 19 item 4: `--account "$UNSET"` removed everyone's sessions and printed another person's token.
  const blankAccounts: Array<[string, string[], Record<string, string>]> = [
    ["--account ''", ['--account', ''], {}],
    ["--account ' '", ['--account', ' '], {}],
    ["AZSESS_ACCOUNT=''", [], { AZSESS_ACCOUNT: '' }],
    ["AZSESS_ACCOUNT=' '", [], { AZSESS_ACCOUNT: ' ' }],
  ];
  async function assertBlankAccountRefused(commands: Array<[string[], string?]>, flagsOnly = false) {
    assert.equal((await login([], BOB)).code, 0);
    assert.equal((await login()).code, 0);
    const before = readStoredSessions(fx.tmp.home).map((s) => s.account);
    for (const [args, input] of commands) {
      for (const [how, extra, env] of blankAccounts) {
        if (flagsOnly && extra.length === 0) continue;
        const r = await runCli([...args, ...extra], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, env), ...(input ? { input } : {}), timeoutMs: 20_000 });
        assert.equal(r.code, 2, `${args.join(' ')} with ${how}: ${r.stderr}`);
        assert.match(r.stderr, /(--account|AZSESS_ACCOUNT) needs a UPN or an object id/, `${args.join(' ')} with ${how}`);
        assert.equal(r.stdout, '', `${args.join(' ')} with ${how} prints no token`);
      }
    }
    assert.deepEqual(readStoredSessions(fx.tmp.home).map((s) => s.account), before, 'nothing was removed');
  }

  test('an empty or blank --account or AZSESS_ACCOUNT is a usage error (exit 2) on every command, and removes nothing', async () => {
    const gitInput = 'protocol=https\nhost=dev.azure.com\n\n';
    await assertBlankAccountRefused([
      [['token']], [['token', '--no-interactive']], [['login', '--protocol', 'device-code']], [['status']], [['clear-cache']],
      [['serve', '--port', '0']], [['git-credential', 'get'], gitInput],
    ]);
    const docker = await runCli(['get'], { bin: 'docker-credential-azsess', userHome: fx.tmp.userHome, env: idpEnv(fx.idp, { AZSESS_ACCOUNT: ' ' }), input: 'example.azurecr.io' });
    assert.notEqual(docker.code, 0);
    assert.match(docker.stdout, /AZSESS_ACCOUNT needs a UPN or an object id/, 'docker reads its helper\'s message from stdout');
  });

  // setup writes flags into another tool's config (the helper it writes reads AZSESS_ACCOUNT itself);
  // refused before git or kubectl runs, but a run that went wrong would run them.
  test('setup git and setup kubectl refuse a blank --account (exit 2) before writing anything', { skip: requires('git', 'kubectl') }, async () => {
    await assertBlankAccountRefused([[['setup', 'git']], [['setup', 'kubectl']]], true);
  });

  test('auth-code: --account is the login_hint, and the session is that account’s', async () => {
    const { result, outcome } = await withAuthorizeUrl(
      ['login', '--protocol', 'auth-code', '--no-browser', '--redirect-uri', 'http://localhost:0/reply', '--account', BOB.username],
      { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, { BROWSER: 'false' }) },
      async (url) => {
        await fx.idp.completeAuthorization(url, BOB);
        return new URL(url).searchParams.get('login_hint');
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(outcome, BOB.username);
    assert.deepEqual(readStoredSessions(fx.tmp.home).map((s) => s.account), [BOB.username]);
  });

  test('login --output json prints the AuthenticationRecord on stdout, never a token', async () => {
    const r = await login(['--output', 'json'], BOB);
    assert.equal(r.code, 0, r.stderr);
    const record = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(record).sort(), ['account', 'authority', 'client_id', 'protocol', 'tenant']);
    assert.equal(record.account, BOB.username);
    assert.equal(record.client_id, fx.idp.publicClientId);
    assert.equal(record.tenant, fx.idp.tenantId);
    assert.equal(record.protocol, 'device-code');
    assert.deepEqual(fx.idp.issued.findIn(r.stdout), []);
  });
});

describe('accounts in the helpers', () => {
  const cli = { AZURE_CLIENT_ID: '04b07795-8ddb-461a-bbee-02f9e1bf7b46' };
  const ask = 'protocol=https\nhost=dev.azure.com\n\n';
  const gitToken = async (args: string[]) => {
    const r = await runCli(['git-credential', 'get', ...args], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp, cli), input: ask });
    assert.equal(r.code, 0, r.stderr);
    return /^password=(.*)$/m.exec(r.stdout)?.[1] ?? '';
  };

  test('git-credential answers with the default account, or the one --account names; Azure DevOps (an app-id aud) is then cached', async () => {
    assert.equal((await login([], {}, cli)).code, 0);
    assert.equal((await login([], BOB, cli)).code, 0);
    assert.equal(userOf(await gitToken([])), BOB.username);
    const alice = await gitToken(['--account', ALICE]);
    assert.equal(userOf(alice), ALICE);
    assert.equal(decodeJwt(alice).aud, '499b84ac-1321-427f-aa17-267ca6975798');
    fx.idp.requests.reset();
    assert.equal(await gitToken(['--account', ALICE]), alice);
    assert.equal(fx.idp.requests.count(), 0);
  });
});

describe('tenants', () => {
  const orgEnv = { AZURE_TENANT_ID: 'organizations' };

  test('finding 4: a session signed in at organizations serves --tenant <GUID> with one refresh and no sign-in', async () => {
    assert.equal((await login([], {}, orgEnv)).code, 0);
    fx.idp.requests.reset();
    const r = await run(['token', '--tenant', fx.idp.tenantId, '--scope', STORAGE, '--no-interactive'], orgEnv);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fx.idp.requests.count(), 1);
    assert.equal(fx.idp.requests.last({ endpoint: 'token' })!.tenant, fx.idp.tenantId);
    assert.ok(readStoredSessions(fx.tmp.home).some((s) => s.tenant === fx.idp.tenantId), 'recorded as a session of that tenant');
    fx.idp.requests.reset();
    assert.equal((await run(['token', '--tenant', fx.idp.tenantId, '--scope', STORAGE], orgEnv)).code, 0);
    assert.equal(fx.idp.requests.count(), 0, 'then a cache hit');
  });

  test("a member of another tenant gets that tenant's token from the same session; a non-member a sentence", async () => {
    assert.equal((await login([], {}, orgEnv)).code, 0);
    const other = await run(['token', '--tenant', TEST_OTHER_TENANT_ID, '--no-interactive'], orgEnv);
    assert.equal(other.code, 0, other.stderr);
    assert.equal(decodeJwt(other.stdout.trim()).tid, TEST_OTHER_TENANT_ID);
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 1, 'only the first sign-in');
    assert.equal((await login([], BOB, orgEnv)).code, 0);
    // alice's is the only session at that tenant, so she stays its default account: ask for bob.
    const bob = await run(['token', '--tenant', TEST_OTHER_TENANT_ID, '--account', BOB.username, '--no-interactive'], orgEnv);
    assert.equal(bob.code, 3, bob.stderr);
    assert.match(bob.stderr, /AADSTS50020/);
  });

  // Issue 19: a guest has another object id in each tenant, as in Entra.
  test('a guest moved to another tenant by token --tenant is still found by --account <home oid>, and by UPN', async () => {
    const ERIN = { username: TEST_GUEST_USERNAME, password: TEST_GUEST_PASSWORD };
    const homeOid = fx.idp.users.find((u) => u.username === ERIN.username)!.oid;
    assert.equal((await login([], ERIN, orgEnv)).code, 0);
    assert.equal((await login([], BOB, orgEnv)).code, 0);
    const moved = await run(['token', '--tenant', TEST_OTHER_TENANT_ID, '--account', homeOid, '--no-interactive'], orgEnv);
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(decodeJwt(moved.stdout.trim()).oid, TEST_GUEST_OID_IN_OTHER, "the guest's object id in that tenant");
    fx.idp.requests.reset();
    for (const selector of [homeOid, ERIN.username, TEST_GUEST_OID_IN_OTHER]) {
      const again = await run(['token', '--tenant', TEST_OTHER_TENANT_ID, '--account', selector, '--no-interactive'], orgEnv);
      assert.equal(again.code, 0, `--account ${selector}: ${again.stderr}`);
      assert.equal(again.stdout, moved.stdout, `--account ${selector} finds the moved session`);
    }
    assert.equal(fx.idp.requests.count(), 0, 'cache hits');
    const status = JSON.parse((await run(['status', '--output', 'json', '--account', homeOid], orgEnv)).stdout);
    assert.equal(status.sessions.length, 2, 'both of the guest\'s sessions, and not bob\'s');
    const cleared = await run(['clear-cache', '--account', homeOid]);
    assert.match(cleared.stderr, /Removed 2 sessions/, cleared.stderr);
    assert.deepEqual(readStoredSessions(fx.tmp.home).map((s) => s.account), [BOB.username]);
  });

  test('no session for this client but one for another: exit 3 names the flags that would use it', async () => {
    assert.equal((await login(['--client-id', fx.idp.publicClientId], {}, orgEnv)).code, 0);
    const r = await runCli(['token', '--scope', STORAGE], { userHome: fx.tmp.userHome, env: { AZURE_AUTHORITY_HOST: fx.idp.url } });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`--client-id ${fx.idp.publicClientId}`));
  });
});
