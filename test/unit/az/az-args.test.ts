import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AzUsageError, parseAzArgs as parseAzCommand } from '../../../src/az/az-args.js';
import { parseAzLoginArgs } from '../../../src/az/az-login-args.js';

/** As az-main.ts reads a command line: login and logout by their own module. */
const parseAzArgs = (args: readonly string[]) => (args[0] === 'login' || args[0] === 'logout' ? parseAzLoginArgs(args) : parseAzCommand(args));
import { formatJson, formatTsv, renderAzResult } from '../../../src/az/az-output.js';
import { cloudOfAuthority, defaultAzResource, resourceOfType } from '../../../src/az/az-resource-types.js';

const token = (...args: string[]) => {
  const c = parseAzArgs(['account', 'get-access-token', ...args]);
  assert.equal(c?.name, 'account get-access-token');
  return c as Extract<typeof c, { name: 'account get-access-token' }>;
};

test('the argument forms az reads: --name value, --name=value, -o value, -o=value, -ovalue, any order', () => {
  for (const form of [['--output', 'tsv'], ['--output=tsv'], ['-o', 'tsv'], ['-o=tsv'], ['-otsv']]) {
    assert.equal(token(...form).global.output, 'tsv', form.join(' '));
  }
  assert.deepEqual(token('--resource=https://r', '-t', 'contoso.onmicrosoft.com').token, { resource: 'https://r', tenant: 'contoso.onmicrosoft.com' });
  assert.deepEqual(token('--subscription', '"s"').token, { subscription: '"s"' }, 'the shell removes the quotes, not azsess');
  assert.deepEqual(token('--scope', 'a/.default', 'b/.default', '-o', 'json').token.scopes, ['a/.default', 'b/.default'], '--scope takes values up to the next option');
  assert.equal(token().global.output, 'json', 'json by default');
  assert.equal(token('--query', 'accessToken').global.query, 'accessToken');
  assert.equal(token('--debug').global.verbose, true);
  assert.equal(token('--only-show-errors').global.verbose, false);
});

test('long options by a prefix of one, as argparse reads them (az account set --sub): several is a usage error', () => {
  assert.deepEqual(token('--sub', 's1', '--out', 'tsv', '--resource-t', 'arm').token, { subscription: 's1', resourceType: 'arm' });
  assert.equal(token('--out=tsv').global.output, 'tsv');
  assert.equal(token('--verb').global.verbose, true);
  assert.deepEqual(token('-n', 'Contoso Dev').token, { subscription: 'Contoso Dev' }, "get-access-token's --name/-n is its subscription");
  assert.throws(() => token('--s', 'x'), /ambiguous option: --s could match --scope, --subscription/);
  assert.equal(parseAzArgs(['account', 'get-access-token', '--he']), undefined, '--he is --help: the Azure CLI answers');
  assert.deepEqual(parseAzArgs(['account', 'set', '--subs', 'my sub']), { name: 'account set', global: { output: 'json', verbose: false }, subscription: 'my sub' });
  const login = parseAzArgs(['login', '--service-p', '--user', 'app', '--ten', 't', '--cert', '/no/such.pem']);
  assert.equal(login?.name, 'login');
  assert.equal(parseAzArgs(['login', '--user', 'bob@contoso.com', '--pass', 'pw']), undefined, "a person's password, however spelt, is the Azure CLI's");
  assert.throws(() => parseAzArgs(['account', 'show', '--password=hunter2']), (err: Error) => err instanceof AzUsageError && !err.message.includes('hunter2'), 'a mistyped option\'s value is not repeated');
  assert.throws(() => parseAzArgs(['account', 'list', '--all=hunter2']), (err: Error) => err instanceof AzUsageError && /ignored explicit argument/.test(err.message) && !err.message.includes('hunter2'), "nor a value given to a flag");
});

test('what azsess does not answer is undefined: other commands, help', () => {
  for (const args of [[], ['vm', 'list'], ['account'], ['account', 'get-access-token', '--help'], ['account', 'get-access-token', '-h'], ['version', '-h'], ['login', '-u', 'bob@contoso.com', '-p', 'pw']]) {
    assert.equal(parseAzArgs(args), undefined, args.join(' '));
  }
  assert.equal(parseAzArgs(['version', '-o=json'])?.name, 'version');
  assert.deepEqual(parseAzArgs(['account', 'show', '-o=json']), { name: 'account show', global: { output: 'json', verbose: false } });
  assert.equal(parseAzArgs(['logout', '--help']), undefined);
  assert.equal(parseAzArgs(['account', 'tenant', 'show']), undefined);
});

test('the account commands: list --all --refresh (flags take no value), set by --subscription/-s/--name/-n, clear, tenant list', () => {
  assert.deepEqual(parseAzArgs(['account', 'list']), { name: 'account list', global: { output: 'json', verbose: false }, all: false, refresh: false });
  assert.deepEqual(parseAzArgs(['account', 'list', '--refresh', '-o=json', '--all']), { name: 'account list', global: { output: 'json', verbose: false }, all: true, refresh: true });
  assert.throws(() => parseAzArgs(['account', 'list', '--all=yes']), AzUsageError);
  for (const flag of ['--subscription', '-s', '--name', '-n']) {
    assert.deepEqual(parseAzArgs(['account', 'set', flag, 'my sub']), { name: 'account set', global: { output: 'json', verbose: false }, subscription: 'my sub' }, flag);
  }
  assert.throws(() => parseAzArgs(['account', 'set']), /required: --name\/--subscription/);
  assert.equal(parseAzArgs(['account', 'clear'])?.name, 'account clear');
  assert.equal(parseAzArgs(['account', 'tenant', 'list', '-o', 'tsv'])?.name, 'account tenant list');
  assert.equal(parseAzArgs(['account', 'set', '--help']), undefined, 'help goes to the Azure CLI');
});

test('--tenant with --subscription: az\'s sentence, exit 1 (its profile refuses it, not its parser)', () => {
  assert.throws(() => parseAzArgs(['account', 'get-access-token', '--tenant', 't', '--subscription', 's']), { name: 'ConfigError', message: /Please specify only one of subscription and tenant, not both/ });
});

test('usage errors: several resources, unknown options, formats azsess does not write', () => {
  for (const args of [
    ['--resource', 'a', '--scope', 'b'],
    ['--resource-type', 'arm', '--resource', 'a'],
    ['--nope'],
    ['--resource'],
    ['-o', 'table'],
    ['-o', 'xml'],
    ['--resource-type', 'constructor'],
  ]) {
    assert.throws(() => parseAzArgs(['account', 'get-access-token', ...args]), { name: 'AzUsageError' }, args.join(' '));
  }
});

test('json: sorted keys and two spaces, as az; tsv: values by sorted key, a list\'s length, Python\'s True and None', async () => {
  assert.equal(formatJson({ b: 1, a: { d: [true], c: null } }), '{\n  "a": {\n    "c": null,\n    "d": [\n      true\n    ]\n  },\n  "b": 1\n}\n');
  assert.equal(await renderAzResult({ b: 'x', a: 2, c: [1, 2], d: { e: 1 }, f: true, g: null }, { output: 'tsv' }), '2\tx\t2\t\tTrue\tNone\n');
  assert.equal(formatTsv([{ a: 1 }, { a: 2 }]), '1\n2\n');
  assert.equal(formatTsv('text'), 'text\n');
});

test("tsv as knack writes it: a boolean alone on its row in lower case; a query's own object in the query's order, a passed-through one sorted", async () => {
  const value = { tokenType: 'Bearer', expires_on: 5, isDefault: true, user: { type: 'user', name: 'alice' } };
  assert.equal(await renderAzResult(value, { output: 'tsv', query: 'isDefault' }), 'true\n');
  assert.equal(await renderAzResult([true, false], { output: 'tsv' }), 'true\nfalse\n');
  assert.equal(await renderAzResult(value, { output: 'tsv', query: '{token:tokenType, exp:expires_on}' }), 'Bearer\t5\n');
  assert.equal(await renderAzResult(value, { output: 'tsv', query: 'user' }), 'alice\tuser\n');
  assert.equal(await renderAzResult(value, { output: 'json', query: '{token:tokenType, exp:expires_on}' }), '{\n  "exp": 5,\n  "token": "Bearer"\n}\n', 'json sorts every object');
});

test('--query is JMESPath; a result of None prints nothing', async () => {
  const value = { accessToken: 't', expires_on: 5, list: [{ n: 1 }, { n: 2 }] };
  assert.equal(await renderAzResult(value, { output: 'tsv', query: 'accessToken' }), 't\n');
  assert.equal(await renderAzResult(value, { output: 'json', query: 'list[].n' }), '[\n  1,\n  2\n]\n');
  assert.equal(await renderAzResult(value, { output: 'json', query: 'missing' }), '');
  assert.equal(await renderAzResult(value, { output: 'none' }), '');
  await assert.rejects(renderAzResult(value, { output: 'json', query: '[[[' }), { name: 'AzUsageError' });
});

test('--resource-type and the default resource follow the cloud of the login host', () => {
  assert.equal(defaultAzResource(cloudOfAuthority('https://login.microsoftonline.com')), 'https://management.core.windows.net/');
  assert.equal(defaultAzResource(cloudOfAuthority('https://login.microsoftonline.us/')), 'https://management.core.usgovcloudapi.net/');
  assert.equal(resourceOfType('ms-graph', cloudOfAuthority('https://login.chinacloudapi.cn')), 'https://microsoftgraph.chinacloudapi.cn/');
  assert.equal(resourceOfType('data-lake', 'usgov'), undefined);
  assert.equal(cloudOfAuthority('http://127.0.0.1:8080'), 'public');
});

test("login: a person's sign-in (--tenant, --use-device-code, --scope, --allow-no-subscriptions); logout [--username]", () => {
  assert.deepEqual(parseAzArgs(['login']), { name: 'login', global: { output: 'json', verbose: false }, login: { useDeviceCode: false, allowNoSubscriptions: false, warnings: [] } });
  assert.deepEqual(parseAzArgs(['login', '--use-device-code', '-t', 'contoso.onmicrosoft.com', '--scope=https://storage.azure.com/.default', '--allow-no-subscriptions'])?.name, 'login');
  const login = parseAzArgs(['login', '--use-device-code', '--tenant', 'contoso.onmicrosoft.com', '--allow-no-subscriptions']);
  assert.deepEqual(login && login.name === 'login' ? login.login : undefined, { useDeviceCode: true, allowNoSubscriptions: true, tenant: 'contoso.onmicrosoft.com', warnings: [] });
  const stepUp = parseAzArgs(['login', '--claims-challenge', 'e30=', '--scope', 'https://vault.azure.net/.default']);
  assert.equal(stepUp && stepUp.name === 'login' ? stepUp.login.claimsChallenge : undefined, 'e30=');
  assert.deepEqual(parseAzArgs(['logout']), { name: 'logout', global: { output: 'json', verbose: false } });
  assert.deepEqual(parseAzArgs(['logout', '--username', 'bob@contoso.com']), { name: 'logout', global: { output: 'json', verbose: false }, username: 'bob@contoso.com' });
});

test('login --service-principal and --identity: the app and its one proof, the identity by one id; -p warns, -p naming a file is a certificate', () => {
  const loginOf = (args: string[]) => {
    const parsed = parseAzArgs(['login', ...args]);
    return parsed && parsed.name === 'login' ? parsed.login : undefined;
  };
  const secret = loginOf(['--service-principal', '-u', 'app', '-p=s3cret~', '--tenant', 't']);
  assert.deepEqual(secret?.app, { clientId: 'app', secret: 's3cret~' });
  assert.equal(secret?.warnings.length, 1);
  assert.match(secret!.warnings[0]!, /^WARNING: -p puts the client secret in the process list/);
  assert.doesNotMatch(secret!.warnings[0]!, /s3cret/);
  const pemByP = loginOf(['--service-principal', '--username', 'app', '--password', process.argv[1]!, '-t', 't']);
  assert.deepEqual(pemByP?.app, { clientId: 'app', certificate: process.argv[1] });
  assert.deepEqual(pemByP?.warnings, []);
  assert.deepEqual(loginOf(['--service-principal', '-u', 'app', '--federated-token', 'eyJ', '--tenant', 't'])?.app, { clientId: 'app', federatedToken: 'eyJ' });
  assert.deepEqual(loginOf(['--identity'])?.identity, {});
  assert.deepEqual(loginOf(['--identity', '--object-id', 'oid'])?.identity, { objectId: 'oid' });
  assert.deepEqual(loginOf(['--identity', '-u', '/subscriptions/s/resourcegroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i'])?.identity, {
    resourceId: '/subscriptions/s/resourcegroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i',
  });
  assert.deepEqual(loginOf(['--identity', '-u', 'cid'])?.identity, { clientId: 'cid' });
  assert.throws(() => loginOf(['--client-id', 'cid']), /only applicable with --identity/);
  assert.throws(() => loginOf(['--service-principal', '-u', 'app', '-p', 'x', '-t', 't', '--use-device-code']), AzUsageError);
});
