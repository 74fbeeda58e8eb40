import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeJwt, GRAPH_APP_ID, RESOURCES, TEST_OTHER_TENANT_ID, TEST_USERS } from '../idp/index.js';
import { azIdpEnv, azToolEnv, fakeAzureCli, runAzThroughShell, setupAzLink } from '../support/az-link.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';

/**
 * `azsess az` and the `az` of `azsess setup az`: the Azure CLI's get-access-token and version,
 * answered from azsess's sessions, with az's argument forms, output and failures.
 */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const [alice, bob] = TEST_USERS;
const legacyArm = `${RESOURCES.armLegacy}/`;

const az = (args: string[], env: Record<string, string> = {}) => runCli(['az', ...args], { userHome: fx.tmp.userHome, env: azIdpEnv(fx.idp, env) });
const login = async (who: { username: string; password: string } = alice!) => {
  const r = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: azIdpEnv(fx.idp) }, { username: who.username, password: who.password });
  assert.equal(r.code, 0, r.stderr);
};

/** The parsed result of a get-access-token that must succeed, with nothing on stderr. */
function tokenResult(r: { code: number | null; stdout: string; stderr: string }): Record<string, unknown> {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'nothing on stderr when it succeeds');
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('az account get-access-token', () => {
  test('not signed in: exit 1, az\'s words "az login" on stderr, azsess\'s login command, nothing on stdout', async () => {
    const r = await az(['account', 'get-access-token', '--output', 'json']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ERROR: Please run 'az login' to setup account\.\n/);
    assert.match(r.stderr, /\nazsess: .*azsess login --protocol device-code/);
    assert.equal(fx.idp.requests.count({ endpoint: 'devicecode' }), 0, 'no sign-in starts without a terminal');
  });

  test('signed in: the exact shape, ARM by its older URI by default, expires_on an integer and expiresOn local time', async () => {
    await login();
    const r = await az(['account', 'get-access-token'], { TZ: 'Asia/Kolkata' });
    const out = tokenResult(r);
    assert.deepEqual(Object.keys(out), ['accessToken', 'expiresOn', 'expires_on', 'subscription', 'tenant', 'tokenType'], 'az\'s keys, in its (sorted) order');
    assert.match(r.stdout, /^\{\n {2}"accessToken": "/, 'indented as az prints it');
    const claims = decodeJwt(out.accessToken as string);
    assert.equal(claims.aud, legacyArm);
    assert.equal(claims.upn ?? claims.preferred_username, alice!.username);
    assert.ok(Number.isInteger(out.expires_on), 'a JSON integer');
    const stored = readStoredSessions(fx.tmp.home).find((x) => x.token === out.accessToken);
    assert.equal(out.expires_on, Math.floor(stored!.expiry.getTime() / 1000), 'the session\'s expiry');
    // Kolkata is UTC+05:30 all year: the naive local time az prints there.
    const local = new Date(((out.expires_on as number) + 5.5 * 3600) * 1000).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '.000000');
    assert.equal(out.expiresOn, local);
    assert.equal(out.tenant, fx.idp.tenantId);
    assert.equal(out.subscription, fx.idp.tenantId, 'no subscriptions yet: the tenant-level account');
    assert.equal(out.tokenType, 'Bearer');

    fx.idp.requests.reset();
    const again = tokenResult(await az(['account', 'get-access-token']));
    assert.equal(again.accessToken, out.accessToken, 'the same session');
    assert.equal(fx.idp.requests.count(), 0, 'a cache hit makes no request');
    const viaToken = await runCli(['token', '--resource', legacyArm], { userHome: fx.tmp.userHome, env: azIdpEnv(fx.idp) });
    assert.equal(viaToken.stdout.trim(), out.accessToken, 'azsess token answers from the same session');
  });

  test('every argument form the callers send: --output json, -o json, -o=json, --output=json, -ojson, --resource=R', async () => {
    await login();
    const forms = [
      ['--output', 'json', '--resource', 'https://storage.azure.com'],
      ['-o', 'json', '--resource', 'https://storage.azure.com'],
      ['-o=json', '--resource', 'https://storage.azure.com'],
      ['--output=json', '--resource=https://storage.azure.com'],
      ['--resource', 'https://storage.azure.com', '-ojson'],
    ];
    for (const form of forms) {
      const out = tokenResult(await az(['account', 'get-access-token', ...form]));
      assert.equal(decodeJwt(out.accessToken as string).aud, RESOURCES.storage, form.join(' '));
    }
  });

  test('--scope, --resource-type, a bare GUID resource (kubelogin\'s AKS server id) and --tenant', async () => {
    await login();
    const graph = tokenResult(await az(['account', 'get-access-token', '--resource-type', 'ms-graph']));
    assert.equal(decodeJwt(graph.accessToken as string).aud, GRAPH_APP_ID);
    const scoped = tokenResult(await az(['account', 'get-access-token', '--scope', 'https://vault.azure.net/.default', '-o', 'json']));
    assert.equal(decodeJwt(scoped.accessToken as string).aud, RESOURCES.keyVault);
    const aks = tokenResult(await az(['account', 'get-access-token', '--resource', RESOURCES.aks, '-o', 'json']));
    assert.equal(decodeJwt(aks.accessToken as string).aud, RESOURCES.aks);
    const other = tokenResult(await az(['account', 'get-access-token', '--resource', 'https://storage.azure.com', '--tenant', TEST_OTHER_TENANT_ID]));
    assert.equal(other.tenant, TEST_OTHER_TENANT_ID);
    assert.equal(decodeJwt(other.accessToken as string).tid, TEST_OTHER_TENANT_ID);
  });

  test('--query (JMESPath) and the outputs tsv and none', async () => {
    await login();
    const full = tokenResult(await az(['account', 'get-access-token']));
    const token = await az(['account', 'get-access-token', '--query', 'accessToken', '-o', 'tsv']);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(token.stdout, `${full.accessToken as string}\n`);
    const picked = await az(['account', 'get-access-token', '--query', '{exp: expires_on, type: tokenType}']);
    assert.deepEqual(JSON.parse(picked.stdout), { exp: full.expires_on, type: 'Bearer' });
    const quoted = await az(['account', 'get-access-token', '--query', 'tokenType']);
    assert.equal(quoted.stdout, '"Bearer"\n', 'a string result of -o json is a JSON string');
    const tsv = await az(['account', 'get-access-token', '-o', 'tsv']);
    assert.equal(tsv.stdout, `${[full.accessToken, full.expiresOn, full.expires_on, full.subscription, full.tenant, 'Bearer'].join('\t')}\n`);
    const none = await az(['account', 'get-access-token', '-o', 'none']);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    const bad = await az(['account', 'get-access-token', '--query', '[[[']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ERROR: Argument --query: invalid jmespath_type value/);
  });

  test('usage errors exit 2 with one sentence, as argparse\'s', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--resource', 'https://storage.azure.com', '--scope', 'https://vault.azure.net/.default'], /one of --resource, --resource-type or --scope/],
      [['--output', 'table'], /The outputs azsess writes are json, jsonc, tsv and none, not table/],
      [['--resource-type', 'nope'], /invalid choice: 'nope'/],
      [['--bogus'], /Unrecognized arguments: --bogus/],
      [['--resource'], /Argument --resource: expected one argument/],
    ];
    for (const [args, message] of cases) {
      const r = await az(['account', 'get-access-token', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^ERROR: /);
      assert.match(r.stderr, message);
    }
    const both = await az(['account', 'get-access-token', '--tenant', TEST_OTHER_TENANT_ID, '--subscription', '00000000-0000-0000-0000-000000000001']);
    assert.equal(both.code, 1, 'as az: its profile refuses the pair, with exit 1');
    assert.match(both.stderr, /^ERROR: Please specify only one of subscription and tenant, not both/);
  });

  test('a refusal keeps its AADSTS code: one a sign-in fixes also says az login, Conditional Access does not', async () => {
    await login();
    fx.idp.refuseRefresh({ resource: RESOURCES.keyVault, code: 50076 });
    const mfa = await az(['account', 'get-access-token', '--resource', RESOURCES.keyVault]);
    assert.equal(mfa.code, 1);
    assert.match(mfa.stderr, /az login/);
    assert.match(mfa.stderr, /AADSTS50076/);
    fx.idp.clearRefusals();
    fx.idp.refuseRefresh({ resource: RESOURCES.keyVault, code: 53003 });
    const blocked = await az(['account', 'get-access-token', '--resource', RESOURCES.keyVault]);
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /^ERROR: .*AADSTS53003/);
    assert.doesNotMatch(blocked.stderr, /az login/, 'a refusal a sign-in cannot fix is not "unavailable"');
  });

  test('the identity follows azsess: AZSESS_ACCOUNT and AZSESSIONS_HOME pick whose token a tool gets', async () => {
    await login(alice);
    await login(bob);
    const asBob = tokenResult(await az(['account', 'get-access-token', '--resource', 'https://storage.azure.com']));
    assert.equal(decodeJwt(asBob.accessToken as string).preferred_username, bob!.username, 'the last sign-in by default');
    const asAlice = tokenResult(await az(['account', 'get-access-token', '--resource', 'https://storage.azure.com'], { AZSESS_ACCOUNT: alice!.username }));
    assert.equal(decodeJwt(asAlice.accessToken as string).preferred_username, alice!.username);
    const elsewhere = await az(['account', 'get-access-token'], { AZSESSIONS_HOME: join(fx.tmp.userHome, 'empty-home') });
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stderr, /az login/);
  });
});

describe('az account show', () => {
  test('a tenant-level account for azsess\'s signed-in person, as az --allow-no-subscriptions makes; "az login" before a sign-in', async () => {
    const before = await az(['account', 'show']);
    assert.equal(before.code, 1);
    assert.match(before.stderr, /^ERROR: Please run 'az login' to setup account\.\n/);
    await login();
    const r = await az(['account', 'show', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(r.stdout), {
      environmentName: 'AzureCloud',
      id: fx.idp.tenantId,
      isDefault: true,
      name: 'N/A(tenant level account)',
      state: 'Enabled',
      tenantId: fx.idp.tenantId,
      user: { name: alice!.username, type: 'user' },
    });
    const other = await az(['account', 'show', '--subscription', '00000000-0000-4000-8000-00000000005b']);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /^ERROR: Subscription '00000000-0000-4000-8000-00000000005b' not found: azsess keeps no subscriptions yet/);
  });
});

describe('stderr of the az entry', () => {
  test('a warning waits for a failure (Java reads stderr with stdout); --debug says it at once', async () => {
    await login();
    chmodSync(fx.tmp.home, 0o755);
    const quiet = tokenResult(await az(['account', 'get-access-token', '--resource', 'https://storage.azure.com']));
    assert.ok(quiet.accessToken);
    const debug = await az(['account', 'get-access-token', '--resource', 'https://storage.azure.com', '--debug']);
    assert.equal(debug.code, 0);
    assert.match(debug.stderr, /open to other users/);
    assert.match(debug.stderr, /Cache hit: no request made/);
    const failed = await az(['account', 'get-access-token', '--resource', 'https://storage.azure.com'], { AZSESS_ACCOUNT: 'nobody@example.com' });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /open to other users[^]*ERROR: Please run 'az login'/, 'the warning, then the failure');
  });
});

describe('az version', () => {
  test('-o json: the Azure CLI version whose behaviour it follows (2.30 <= v < 3.0, as Terraform checks) and azsess\'s', async () => {
    for (const args of [['version', '-o=json'], ['version', '--output', 'json'], ['version']]) {
      const r = await az(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const out = JSON.parse(r.stdout) as Record<string, string>;
      const [major, minor] = out['azure-cli']!.split('.').map(Number);
      assert.ok(major === 2 && minor! >= 54, out['azure-cli']);
      const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
      assert.equal(out.azsess, pkg.version);
    }
  });
});

describe('what azsess does not answer', () => {
  test('goes to the next az on PATH, unchanged, with its exit code; without one, exit 2 and one sentence', async () => {
    const realDir = join(fx.tmp.userHome, 'azure-cli');
    fakeAzureCli(realDir);
    const passed = await runCli(['az', 'vm', 'list', '--output', 'json'], { userHome: fx.tmp.userHome, env: { PATH: `${realDir}:/usr/bin:/bin` } });
    assert.equal(passed.code, 7);
    assert.equal(passed.stdout, 'azure-cli got: vm list --output json\n');
    const help = await runCli(['az', 'account', 'get-access-token', '--help'], { userHome: fx.tmp.userHome, env: { PATH: `${realDir}:/usr/bin:/bin` } });
    assert.equal(help.stdout, 'azure-cli got: account get-access-token --help\n', 'help is the Azure CLI\'s');
    // A PATH with no az at all, so the case holds on a machine where the Azure CLI is installed too.
    const noAzure = join(fx.tmp.userHome, 'no-azure-cli');
    mkdirSync(noAzure, { recursive: true });
    const none = await runCli(['az', 'vm', 'list'], { userHome: fx.tmp.userHome, env: { PATH: noAzure } });
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^ERROR: azsess answers the Azure CLI's sign-in, account and token commands .* 'az vm list' needs the Azure CLI itself: install it/);
    assert.equal(none.stderr.trim().split('\n').length, 1);
    // What follows an option is never repeated: it may be a secret.
    const secret = 'Sup3r-secret-value~x';
    for (const args of [['--password', secret], ['keyvault', 'secret', 'set', '--value', secret], [secret]]) {
      const r = await runCli(['az', ...args], { userHome: fx.tmp.userHome, env: { PATH: noAzure } });
      assert.equal(r.code, 2);
      assert.doesNotMatch(r.stderr, new RegExp(secret), args.join(' '));
    }
  });

  test('through the link: the Azure CLI after the link\'s directory, never another link azsess wrote', async () => {
    const { dir } = await setupAzLink(fx.tmp.userHome);
    const second = join(fx.tmp.userHome, 'second-link');
    await setupAzLink(fx.tmp.userHome, second);
    const realDir = join(fx.tmp.userHome, 'azure-cli');
    fakeAzureCli(realDir);
    const env = azToolEnv(fx.idp, fx.tmp.userHome, `${dir}:${second}:${realDir}`);
    const r = await runAzThroughShell('az extension add --name aks-preview', env);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, 'azure-cli got: extension add --name aks-preview\n');
  });
});

describe('azsess setup az', () => {
  test('writes an executable az in <home>/bin (0700), says how to put it first on PATH; tools then get tokens through it', async () => {
    await login();
    const { dir, result } = await setupAzLink(fx.tmp.userHome);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`Wrote ${dir}/az`));
    assert.match(result.stderr, new RegExp(`export PATH="${dir}":"\\$PATH"`));
    assert.match(result.stderr, /GITHUB_PATH/);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'az')).mode & 0o777, 0o700);
    const out = tokenResult(await runAzThroughShell('az account get-access-token --output json --resource https://storage.azure.com', azToolEnv(fx.idp, fx.tmp.userHome, dir)));
    assert.equal(decodeJwt(out.accessToken as string).aud, RESOURCES.storage);
    assert.equal((await setupAzLink(fx.tmp.userHome)).result.code, 0, 'its own file it writes again');
  });

  test('--dir DIR, and a file it did not write is left alone (exit 6)', async () => {
    const dir = join(fx.tmp.userHome, 'tools');
    await setupAzLink(fx.tmp.userHome, dir);
    assert.match(readFileSync(join(dir, 'az'), 'utf8'), /^#!\S+\n\/\/ azsess-az-link:/);
    const foreign = join(fx.tmp.userHome, 'foreign');
    fakeAzureCli(foreign);
    const r = await runCli(['setup', 'az', '--dir', foreign], { userHome: fx.tmp.userHome });
    assert.equal(r.code, 6);
    assert.match(r.stderr, /foreign\/az is a file azsess did not write, so azsess leaves it alone/);
    assert.match(readFileSync(join(foreign, 'az'), 'utf8'), /azure-cli got/, 'unchanged');
  });

  test('the link also runs when an ES-module package.json sits above it', async () => {
    await login();
    const dir = join(fx.tmp.userHome, 'esm', 'bin');
    await setupAzLink(fx.tmp.userHome, dir);
    writeFileSync(join(fx.tmp.userHome, 'esm', 'package.json'), '{"type": "module"}\n');
    const r = await runCommand(join(dir, 'az'), ['account', 'get-access-token', '-o', 'json'], { env: azToolEnv(fx.idp, fx.tmp.userHome, dir) });
    tokenResult(r);
  });
});
