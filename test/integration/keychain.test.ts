import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from '../idp/index.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { expireStoredTokens, idpEnv, withDeviceCodeApproval } from '../support/idp-session.js';
import { requires } from '../support/requires.js';
import { runCli } from '../support/run-cli.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { makeTmpHome } from '../support/tmp-home.js';

/**
 * `azsess write-manifest --token-store keychain` (docs/files.md, "Tokens in the keychain"):
 * against Debian's gnome-keyring on a private D-Bus session bus, and without any D-Bus.
 */
const fx = useIdpAndHome({ deviceCodeInterval: 1 });

/** Every file under the home, as text: where no issued secret may appear in plain. */
function homeText(home: string): string {
  return readdirSync(home)
    .filter((name) => !name.endsWith('.lock'))
    .map((name) => readFileSync(join(home, name), 'utf8'))
    .join('\n');
}

function entries(home: string): Record<string, unknown>[] {
  const raw = JSON.parse(readFileSync(join(home, 'sessions.json'), 'utf8')) as { sessions: string[] };
  return raw.sessions.map((s) => JSON.parse(s) as Record<string, unknown>);
}

describe('--token-store keychain without a keychain', () => {
  test('no D-Bus session bus: exit 6, one sentence with the cause and the way out, nothing written', async () => {
    const r = await runCli(['write-manifest', '--token-store', 'keychain'], { userHome: fx.tmp.userHome });
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /no Secret Service is reachable \(no D-Bus session bus/);
    assert.match(r.stderr, /--token-store file/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(safeRead(join(fx.tmp.home, 'manifest.json')), /keychain/);
  });

  test('a keychain home without D-Bus: a token is exit 6, never written in plain text', async () => {
    mkdirSync(fx.tmp.home, { recursive: true, mode: 0o700 });
    writeFileSync(join(fx.tmp.home, 'manifest.json'), JSON.stringify({ client_id: '', client_secret: '', tenant: '', protocol: '', token_store: 'keychain' }), { mode: 0o600 });
    const r = await runCli(['token', '--protocol', 'client-credentials'], { userHome: fx.tmp.userHome, env: fx.appEnv() });
    assert.equal(r.code, 6, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /keychain .*cannot be used: no Secret Service is reachable/);
    assert.deepEqual(fx.idp.issued.findIn(homeText(fx.tmp.home)), []);
  });
});

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

describe('--token-store keychain against gnome-keyring', { skip: requires('gnome-keyring') }, () => {
  const keyringDir = makeTmpHome();
  let keyring: SecretService;
  before(async () => {
    keyring = await startSecretService(keyringDir.userHome);
  });
  after(async () => {
    await keyring?.stop();
    keyringDir.cleanup();
  });
  const env = (extra: Record<string, string> = {}) => ({ ...idpEnv(fx.idp), ...keyring.env, ...extra });
  const run = (args: string[], extra: Record<string, string> = {}, input?: string) =>
    runCli(args, { userHome: fx.tmp.userHome, env: env(extra), ...(input !== undefined ? { input } : {}) });
  const appRun = (args: string[]) => runCli(['token', '--protocol', 'client-credentials', ...args], { userHome: fx.tmp.userHome, env: { ...fx.appEnv({ AZURE_CLIENT_SECRET: '' }), ...keyring.env } });

  test('the manifest secret and the tokens are sealed; a cache hit opens them; AzSessions.jl sees the entry with empty secrets', async () => {
    const write = await run(['write-manifest', '--token-store', 'keychain', '--client-secret-stdin'], {}, `${fx.idp.clientSecret}\n`);
    assert.equal(write.code, 0, write.stderr);
    const manifest = JSON.parse(readFileSync(join(fx.tmp.home, 'manifest.json'), 'utf8')) as Record<string, string>;
    assert.equal(manifest.token_store, 'keychain');
    assert.equal(manifest.client_secret, '');
    assert.match(manifest.azsess_sealed!, /^azsess-sealed:v1:[0-9a-f]+:/);
    assert.ok(!readFileSync(join(fx.tmp.home, 'manifest.json'), 'utf8').includes(fx.idp.clientSecret));
    assert.match(keyring.lookup({ service: 'azsess', username: fx.tmp.home }) ?? '', /^v1:[0-9a-f]+:/);

    const first = await appRun([]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(decodeJwt(first.stdout.trim()).aud, 'https://management.azure.com/');
    const [entry] = entries(fx.tmp.home);
    // The keys and types AzSessions.jl reads, the secrets "" and sealed beside them.
    assert.equal(entry!.protocol, 'AzClientCredentials');
    assert.equal(entry!.token, '');
    assert.equal(entry!.client_secret, '');
    assert.equal(typeof entry!.expiry, 'string');
    assert.match(String(entry!.azsess_sealed), /^azsess-sealed:v1:/);
    assert.deepEqual(fx.idp.issued.findIn(homeText(fx.tmp.home)), []);
    assert.ok(!homeText(fx.tmp.home).includes(fx.idp.clientSecret));

    fx.idp.requests.reset();
    const hit = await appRun([]);
    assert.equal(hit.code, 0, hit.stderr);
    assert.equal(hit.stdout, first.stdout);
    assert.equal(fx.idp.requests.count(), 0);

    const status = await run(['status', '--output', 'json']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /AzClientCredentials/);
    assert.deepEqual(fx.idp.issued.findIn(status.stdout), []);
  });

  test('file to keychain and back converts what is stored, losing nothing; a refresh seals the new tokens', async () => {
    const login = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() });
    assert.equal(login.code, 0, login.stderr);
    const plain = entries(fx.tmp.home)[0]!;
    assert.notEqual(plain.refresh_token, '');

    const switched = await run(['write-manifest', '--token-store', 'keychain']);
    assert.equal(switched.code, 0, switched.stderr);
    const sealed = entries(fx.tmp.home)[0]!;
    assert.equal(sealed.refresh_token, '');
    assert.equal(sealed.token, '');
    assert.equal(sealed.id_token, '');
    assert.equal(sealed.account, plain.account, 'the account stays readable');
    assert.equal(sealed.expiry, plain.expiry);
    assert.deepEqual(fx.idp.issued.findIn(homeText(fx.tmp.home)), []);

    // A cache hit hands out the token sealed at the switch.
    const hit = await run(['token']);
    assert.equal(hit.code, 0, hit.stderr);
    assert.equal(hit.stdout.trim(), plain.token);

    // A refresh with the sealed refresh token; what it gets is sealed too.
    expireStoredTokens(fx.tmp.home);
    fx.idp.requests.reset();
    const refreshed = await run(['token']);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(fx.idp.requests.last({ endpoint: 'token' })?.grantType, 'refresh_token');
    assert.deepEqual(fx.idp.issued.findIn(homeText(fx.tmp.home)), []);

    assert.equal((await run(['write-manifest', '--token-store', 'file'])).code, 0);
    const back = entries(fx.tmp.home)[0]!;
    assert.equal(back.token, refreshed.stdout.trim());
    assert.notEqual(back.refresh_token, '');
    assert.equal(back.azsess_sealed, undefined);
    const manifest = JSON.parse(readFileSync(join(fx.tmp.home, 'manifest.json'), 'utf8')) as Record<string, string>;
    assert.equal(manifest.token_store, 'file');
  });

  test("a manifest rewritten by AzSessions.jl's write_manifest (its keys only): sealed entries still open and stay sealed", async () => {
    const login = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() });
    assert.equal(login.code, 0, login.stderr);
    const switched = await run(['write-manifest', '--token-store', 'keychain']);
    assert.equal(switched.code, 0, switched.stderr);
    writeFileSync(join(fx.tmp.home, 'manifest.json'), JSON.stringify({ client_id: '', client_secret: '', tenant: '' }, null, 1), { mode: 0o600 });
    expireStoredTokens(fx.tmp.home);
    const r = await run(['token']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(String(entries(fx.tmp.home)[0]!.azsess_sealed), /^azsess-sealed:v1:/);
    assert.deepEqual(fx.idp.issued.findIn(homeText(fx.tmp.home)), []);
  });

  test('a home whose key left the keychain: its sealed sessions sign in anew, with one warning', async () => {
    const login = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() });
    assert.equal(login.code, 0, login.stderr);
    const switched = await run(['write-manifest', '--token-store', 'keychain']);
    assert.equal(switched.code, 0, switched.stderr);
    keyring.clear({ service: 'azsess', username: fx.tmp.home });
    const r = await run(['token', '--no-interactive']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /sealed with a key the keychain does not hold/);
  });

  test('a locked keyring is exit 6 naming it, with no prompt (last: the keyring stays locked)', async () => {
    const login = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() });
    assert.equal(login.code, 0, login.stderr);
    const switched = await run(['write-manifest', '--token-store', 'keychain']);
    assert.equal(switched.code, 0, switched.stderr);
    keyring.lock();
    const r = await run(['token']);
    assert.equal(r.code, 6, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /the keyring is locked/);
    assert.match(r.stderr, /unlock/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});
