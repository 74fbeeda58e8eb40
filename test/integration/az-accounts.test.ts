import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeJwt, TEST_OTHER_TENANT_ID, TEST_SUBSCRIPTIONS, TEST_TENANT_DETAILS, TEST_TENANT_ID, TEST_USERS } from '../idp/index.js';
import { azIdpEnv } from '../support/az-link.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { withDeviceCodeApproval } from '../support/idp-session.js';
import { azsessBin } from '../support/paths.js';
import { cleanEnv, runCli, type CliResult } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';

/**
 * The az entry's account commands over the subscriptions azsess keeps: `account list --refresh`
 * asks the test IdP's ARM (/tenants, /subscriptions), then `account show/set/clear`, `account
 * tenant list` and `get-access-token --subscription` answer as the Azure CLI does.
 */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const [alice, bob] = TEST_USERS;

const env = (extra: Record<string, string> = {}) => azIdpEnv(fx.idp, { AZSESS_ARM_ENDPOINT: fx.idp.url, ...extra });
const az = (args: string[], extra?: Record<string, string>) => runCli(['az', ...args], { userHome: fx.tmp.userHome, env: env(extra) });
const login = async (who: { username: string; password: string }) => {
  const r = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() }, { username: who.username, password: who.password });
  assert.equal(r.code, 0, r.stderr);
};

/** The JSON of a command that must succeed with nothing on stderr. */
function ok<T = Record<string, unknown>>(r: CliResult): T {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'nothing on stderr when it succeeds');
  return JSON.parse(r.stdout) as T;
}

type Account = { id: string; name: string; tenantId: string; isDefault: boolean; user: { name: string; type: string }; tenantDisplayName?: string };

const subscriptionsOf = (username: string) => TEST_SUBSCRIPTIONS.filter((s) => s.users.includes(username));
const [dev, prod, otherMain] = TEST_SUBSCRIPTIONS;

describe('az account list, show, set, clear', () => {
  test('not signed in: az\'s "az login" failure for list and tenant list', async () => {
    for (const args of [['account', 'list'], ['account', 'tenant', 'list'], ['account', 'set', '-s', dev!.displayName]]) {
      const r = await az(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^ERROR: Please run 'az login' to setup account\.\n/);
    }
  });

  test('list --refresh asks ARM for the tenants and their subscriptions, keeps them, and show/set/get-access-token follow them', async () => {
    await login(alice!);
    const before = ok<Account[]>(await az(['account', 'list']));
    assert.equal(before.length, 1);
    assert.equal(before[0]!.name, 'N/A(tenant level account)', 'none kept yet: the tenant-level account');
    assert.equal(fx.idp.requests.count({ endpoint: 'arm-subscriptions' }), 0, 'a list without --refresh asks no one');

    const listed = ok<Account[]>(await az(['account', 'list', '--refresh', '-o', 'json']));
    assert.deepEqual(listed.map((a) => a.id).sort(), subscriptionsOf(alice!.username).map((s) => s.subscriptionId).sort());
    assert.deepEqual(listed.filter((a) => a.isDefault).map((a) => a.id), [dev!.subscriptionId], 'one default: the first enabled');
    const main = listed.find((a) => a.id === otherMain!.subscriptionId)!;
    assert.equal(main.tenantId, TEST_OTHER_TENANT_ID);
    assert.equal(main.tenantDisplayName, TEST_TENANT_DETAILS[TEST_OTHER_TENANT_ID]!.displayName);
    assert.deepEqual(main.user, { name: alice!.username, type: 'user' });
    assert.deepEqual(Object.keys(main), [...Object.keys(main)].sort(), "az's key order");

    const shown = ok<Account>(await az(['account', 'show']));
    assert.equal(shown.id, dev!.subscriptionId);
    assert.equal(ok<Account>(await az(['account', 'show', '--subscription', prod!.displayName])).id, prod!.subscriptionId, 'by name');
    assert.equal(ok<Account>(await az(['account', 'show', '-s', otherMain!.subscriptionId.toUpperCase()])).name, otherMain!.displayName, 'by id, any case');
    const unknown = await az(['account', 'show', '--subscription', 'no-such-subscription']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^ERROR: Subscription 'no-such-subscription' not found\. Check the spelling and casing and try again/);

    const set = await az(['account', 'set', '--subscription', otherMain!.displayName]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, '', 'account set prints nothing, as az');
    assert.equal(set.stderr, '');
    assert.equal((await az(['account', 'show', '--query', 'id', '-o', 'tsv'])).stdout, `${otherMain!.subscriptionId}\n`);
    const listedAgain = ok<Account[]>(await az(['account', 'list']));
    assert.deepEqual(listedAgain.filter((a) => a.isDefault).map((a) => a.id), [otherMain!.subscriptionId]);
    const setUnknown = await az(['account', 'set', '-s', 'no-such-subscription']);
    assert.equal(setUnknown.code, 1);
    assert.match(setUnknown.stderr, /^ERROR: The subscription of 'no-such-subscription' doesn't exist in cloud 'AzureCloud'/);
    assert.equal(ok<Account>(await az(['account', 'show'])).id, otherMain!.subscriptionId, 'a failed set changes nothing');
    const missing = await az(['account', 'set']);
    assert.equal(missing.code, 2, 'argparse: a required argument');

    // No --subscription: the default account set chose names the tenant and the subscription, as az.
    const byDefault = ok(await az(['account', 'get-access-token']));
    assert.equal(byDefault.subscription, otherMain!.subscriptionId);
    assert.equal(byDefault.tenant, TEST_OTHER_TENANT_ID);
    assert.equal(decodeJwt(byDefault.accessToken as string).tid, TEST_OTHER_TENANT_ID);
    const asked = ok(await az(['account', 'get-access-token', '--tenant', TEST_TENANT_ID]));
    assert.equal(asked.tenant, TEST_TENANT_ID, '--tenant keeps the tenant asked for');
    assert.equal(decodeJwt(asked.accessToken as string).tid, TEST_TENANT_ID);
    assert.equal(asked.subscription, TEST_TENANT_ID, 'the default is of another tenant: the tenant-level account');
    const both = await az(['account', 'get-access-token', '--tenant', TEST_TENANT_ID, '--subscription', dev!.subscriptionId]);
    assert.equal(both.code, 1, 'az: only one of subscription and tenant (its profile refuses the pair: exit 1)');
    assert.equal(both.stdout, '');
    assert.equal((await az(['account', 'set', '-s', dev!.subscriptionId])).code, 0);
    const home = ok(await az(['account', 'get-access-token', '--resource', 'https://vault.azure.net']));
    assert.equal(home.subscription, dev!.subscriptionId);
    assert.equal(decodeJwt(home.accessToken as string).tid, TEST_TENANT_ID);
    assert.equal((await az(['account', 'set', '-s', otherMain!.subscriptionId])).code, 0);

    // A subscription's tenant is the token's tenant; `subscription` is its id.
    const there = ok(await az(['account', 'get-access-token', '--subscription', otherMain!.displayName]));
    assert.equal(there.subscription, otherMain!.subscriptionId);
    assert.equal(there.tenant, TEST_OTHER_TENANT_ID);
    assert.equal(decodeJwt(there.accessToken as string).tid, TEST_OTHER_TENANT_ID);
    const here = ok(await az(['account', 'get-access-token', '--resource', 'https://vault.azure.net', '--subscription', prod!.subscriptionId]));
    assert.equal(here.subscription, prod!.subscriptionId);
    assert.equal(decodeJwt(here.accessToken as string).tid, TEST_TENANT_ID);
    assert.equal(decodeJwt(here.accessToken as string).aud, 'https://vault.azure.net');
    const notHers = await az(['account', 'get-access-token', '--subscription', '00000000-0000-4000-8000-00000000005b']);
    assert.equal(notHers.code, 1);
    assert.equal(notHers.stdout, '');
    assert.match(notHers.stderr, /^ERROR: Subscription '00000000-0000-4000-8000-00000000005b' not found\./);

    // --all shows the same here (every one is Enabled, in one cloud); clear forgets them all.
    assert.equal(ok<Account[]>(await az(['account', 'list', '--all'])).length, listed.length);
    const cleared = await az(['account', 'clear']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(cleared.stdout, '');
    const after = ok<Account[]>(await az(['account', 'list']));
    assert.deepEqual(after.map((a) => a.name), ['N/A(tenant level account)'], 'back to the tenant-level account');
    assert.ok(ok(await az(['account', 'get-access-token'])).accessToken, 'the sign-in stays');
  });

  test('two people in one home keep their own lists and defaults (AZSESS_ACCOUNT picks whose)', async () => {
    await login(alice!);
    await login(bob!);
    const asAlice = { AZSESS_ACCOUNT: alice!.username };
    const asBob = { AZSESS_ACCOUNT: bob!.username };
    assert.equal(ok<Account[]>(await az(['account', 'list', '--refresh'], asAlice)).length, subscriptionsOf(alice!.username).length);
    const bobs = ok<Account[]>(await az(['account', 'list', '--refresh'], asBob));
    assert.deepEqual(bobs.map((a) => a.id), subscriptionsOf(bob!.username).map((s) => s.subscriptionId));
    assert.equal((await az(['account', 'set', '-s', otherMain!.displayName], asBob)).code, 1, "not one of bob's");
    assert.equal((await az(['account', 'set', '-s', prod!.displayName], asAlice)).code, 0);
    assert.equal(ok<Account>(await az(['account', 'show'], asBob)).id, dev!.subscriptionId, "alice's set leaves bob's default");
    assert.equal(ok<Account>(await az(['account', 'show'], asAlice)).id, prod!.subscriptionId);
  });
});

describe('az account tenant list', () => {
  test("the tenants ARM lists for the person, with az's /tenants/ ids", async () => {
    await login(alice!);
    const tenants = ok<Array<Record<string, string>>>(await az(['account', 'tenant', 'list']));
    assert.deepEqual(
      tenants.map((t) => t.id).sort(),
      [TEST_TENANT_ID, TEST_OTHER_TENANT_ID].map((t) => `/tenants/${t}`).sort(),
    );
    const other = tenants.find((t) => t.tenantId === TEST_OTHER_TENANT_ID)!;
    assert.equal(other.displayName, TEST_TENANT_DETAILS[TEST_OTHER_TENANT_ID]!.displayName);
    assert.equal(other.defaultDomain, TEST_TENANT_DETAILS[TEST_OTHER_TENANT_ID]!.defaultDomain);
  });
});

/**
 * `az` run on a terminal (util-linux `script` gives it a pseudo-terminal): stderr is the
 * terminal, stdout goes to a file, so the prompt and the JSON stay apart. A device code shown
 * there is approved as `who`.
 */
async function azOnTerminal(args: string[], who?: { username: string; password: string }, extra: Record<string, string> = {}): Promise<CliResult> {
  const out = join(fx.tmp.userHome, `az-stdout-${Math.random().toString(36).slice(2)}`);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const line = `${[process.execPath, azsessBin, 'az', ...args].map(q).join(' ')} >${q(out)}`;
  let approving: Promise<void> | undefined;
  let seen = '';
  // runCommand scans what the terminal showed for leaks, as for any client.
  const r = await runCommand('script', ['-qefc', line, '/dev/null'], {
    env: cleanEnv({ userHome: fx.tmp.userHome, env: env(extra) }),
    onSpawn: (child) => {
      child.stdout!.on('data', (d: Buffer | string) => {
        seen += d.toString();
        // The terminal gets the prompt in colour.
        const code = /enter the code (\S+)/.exec(seen.replace(/\x1b\[[0-9;]*m/g, ''))?.[1];
        if (code && who && !approving) approving = fx.idp.approveDeviceCode(code, { username: who.username, password: who.password });
      });
    },
  });
  await approving;
  let stdout = '';
  try {
    stdout = readFileSync(out, 'utf8');
  } catch {
    stdout = '';
  }
  return { code: r.code, signal: r.signal, stdout, stderr: r.stdout + r.stderr };
}

describe('az login and logout', () => {
  test('without a terminal az login asks no one: exit 1 and a sentence, no sign-in started', async () => {
    const r = await az(['login', '--use-device-code']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ERROR: Signing in with az login needs a terminal/);
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 0);
  });

  test("on a terminal: azsess's device-code sign-in, then ARM's subscriptions kept and printed as az's account list", async () => {
    const r = await azOnTerminal(['login', '--use-device-code'], alice!);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as Account[];
    assert.deepEqual(printed.map((a) => a.id).sort(), subscriptionsOf(alice!.username).map((s) => s.subscriptionId).sort());
    assert.equal(printed.filter((a) => a.isDefault).length, 1);
    assert.equal(ok<Account>(await az(['account', 'show'])).id, printed.find((a) => a.isDefault)!.id, 'kept: account show answers from them');
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 1);

    const one = await azOnTerminal(['login', '--use-device-code', '--tenant', TEST_OTHER_TENANT_ID], alice!);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual((JSON.parse(one.stdout) as Account[]).map((a) => a.id), [otherMain!.subscriptionId], '--tenant: that tenant only');
  });

  test('carol sees no subscription: a tenant-level account; logout --username removes her sessions and list, bob stays', async () => {
    const carol = TEST_USERS[2]!;
    const r = await azOnTerminal(['login', '--use-device-code', '--allow-no-subscriptions'], carol);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as Account[];
    assert.deepEqual(printed.map((a) => [a.id, a.name]), [[TEST_TENANT_ID, 'N/A(tenant level account)']]);
    await login(bob!);
    assert.equal((await az(['account', 'list', '--refresh'], { AZSESS_ACCOUNT: bob!.username })).code, 0);

    const out = await az(['logout', '--username', carol.username]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, '');
    assert.equal(out.stderr, '');
    const after = await az(['account', 'get-access-token'], { AZSESS_ACCOUNT: carol.username });
    assert.equal(after.code, 1);
    assert.match(after.stderr, /az login/);
    const stored = JSON.parse(readFileSync(join(fx.tmp.home, 'az-subscriptions.json'), 'utf8')) as { subscriptions: Account[] };
    assert.deepEqual([...new Set(stored.subscriptions.map((a) => a.user.name))], [bob!.username], "only bob's are left");
    assert.equal(ok<Account>(await az(['account', 'show'], { AZSESS_ACCOUNT: bob!.username })).id, dev!.subscriptionId);

    const again = await az(['logout', '--username', carol.username]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^ERROR: No session of 'carol@/);
  });
});

describe('az login --claims-challenge', () => {
  test("the claims an SDK's message passes (base64) reach Entra for that scope, and the next get-access-token for it carries them", async () => {
    await login(alice!);
    const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const challenge = Buffer.from(claims).toString('base64');
    const scope = 'https://vault.azure.net/.default';
    const refused = await az(['login', '--claims-challenge', challenge, '--scope', scope]);
    assert.equal(refused.code, 1, 'no terminal: no step-up');
    assert.match(refused.stderr, /needs a terminal/);

    fx.idp.requests.reset();
    const r = await azOnTerminal(['login', '--claims-challenge', challenge, '--scope', scope]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fx.idp.requests.all().filter((q) => q.endpoint === 'token' && q.form?.claims === claims).length, 1, 'the challenge, as JSON, to Entra');
    assert.ok(Array.isArray(JSON.parse(r.stdout)), 'the account list, as after a login');

    const next = ok(await az(['account', 'get-access-token', '--scope', scope]));
    assert.deepEqual(decodeJwt(next.accessToken as string).acrs, ['c1'], 'the step-up token answers');
    const bad = await azOnTerminal(['login', '--claims-challenge', 'not claims', '--scope', scope]);
    assert.equal(bad.code, 2);
  });

  test("a refresh Entra refuses with claims of its own (MFA): the sign-in asks for both, and the token still carries the resource's", async () => {
    await login(alice!);
    const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const scope = 'https://vault.azure.net/.default';
    fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code: 50076, times: 1 });
    fx.idp.requests.reset();
    const r = await azOnTerminal(['login', '--claims-challenge', Buffer.from(claims).toString('base64'), '--scope', scope], alice);
    assert.equal(r.code, 0, r.stderr);
    const asked = fx.idp.requests.all().flatMap((q) => (q.form?.claims ? [JSON.parse(q.form.claims) as { access_token: Record<string, unknown> }] : []));
    const last = asked.at(-1)!;
    assert.deepEqual(Object.keys(last.access_token).sort(), ['acrs', 'capolids'], "the resource's claims and Entra's, in one request");
    const next = ok(await az(['account', 'get-access-token', '--scope', scope]));
    assert.deepEqual(decodeJwt(next.accessToken as string).acrs, ['c1'], 'the step-up token answers');
  });
});
