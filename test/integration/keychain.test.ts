import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from '../idp/index.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { expireStoredTokens, idpEnv, withDeviceCodeApproval } from '../support/idp-session.js';
import { distTest } from '../support/paths.js';
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

/** The native libraries a run of azsess loaded (test/support/shared-objects-hook.ts). */
async function sharedObjectsOf(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; objects: string }> {
  const file = join(fx.tmp.userHome, 'shared-objects.txt');
  const hook = join(distTest, 'support', 'shared-objects-hook.js');
  const r = await runCli(args, { userHome: fx.tmp.userHome, env: { ...env, NODE_OPTIONS: `--import ${hook}`, AZSESS_TEST_SHARED_OBJECTS: file } });
  return { code: r.code, stderr: r.stderr, objects: safeRead(file) };
}

describe('a file home', () => {
  test('a cache hit never loads the keychain package', async () => {
    const token = ['token', '--protocol', 'client-credentials'];
    assert.equal((await runCli(token, { userHome: fx.tmp.userHome, env: fx.appEnv() })).code, 0);
    const hit = await sharedObjectsOf(token, fx.appEnv());
    assert.equal(hit.code, 0, hit.stderr);
    assert.match(hit.objects, /libc|ld-linux/, 'the hook saw the process');
    assert.doesNotMatch(hit.objects, /keyring/);
  });
});

describe('--token-store keychain without a keychain', () => {
  test('no D-Bus session bus: exit 6, one sentence with the cause and the way out, nothing written', async () => {
    const r = await sharedObjectsOf(['write-manifest', '--token-store', 'keychain'], {});
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.objects, /keyring/, 'the keychain package loaded (and the hook sees it)');
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

describe('--token-store keychain against gnome-keyring', { skip: requires('gnome-keyring', 'secret-tool') }, () => {
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

  test('a cached registry token is sealed too, and a second docker get is answered from it', async () => {
    // An /oauth2/exchange that answers as ACR does, counting its calls.
    let exchanges = 0;
    const claims = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3 * 3600 })).toString('base64url');
    const acrToken = `eyJhbGciOiJub25lIn0.${claims}.keychain-test-acr-refresh-token`;
    const server: Server = createServer((req, res) => {
      exchanges++;
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ refresh_token: acrToken }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const docker = { ...fx.appEnv(), ...keyring.env, AZSESS_PROTOCOL: 'client-credentials', AZSESS_ACR_HOSTS: registry };
      assert.equal((await run(['write-manifest', '--token-store', 'keychain'])).code, 0);
      const get = () => runCli(['get'], { bin: 'docker-credential-azsess', userHome: fx.tmp.userHome, env: docker, input: registry });
      const first = await get();
      assert.equal(first.code, 0, first.stderr);
      assert.equal((JSON.parse(first.stdout) as { Secret: string }).Secret, acrToken);
      const raw = JSON.parse(readFileSync(join(fx.tmp.home, 'sessions.json'), 'utf8')) as { azsess: { registries: Record<string, Record<string, unknown>> } };
      const cached = raw.azsess.registries[registry]!;
      assert.equal(cached.refresh_token, undefined);
      assert.match(String(cached.azsess_sealed), /^azsess-sealed:v1:/);
      assert.ok(!homeText(fx.tmp.home).includes('keychain-test-acr-refresh-token'));
      const second = await get();
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, first.stdout);
      assert.equal(exchanges, 1);
    } finally {
      server.close();
    }
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

  test('scrub --manifest on a keychain home blanks every secret, sealed ones included; clear-cache removes the sessions', async () => {
    const write = await run(['write-manifest', '--token-store', 'keychain', '--client-secret-stdin'], {}, `${fx.idp.clientSecret}\n`);
    assert.equal(write.code, 0, write.stderr);
    assert.equal((await appRun([])).code, 0);
    const scrub = await run(['scrub', '--manifest']);
    assert.equal(scrub.code, 0, scrub.stderr);
    const [entry] = entries(fx.tmp.home);
    assert.equal(entry!.token, '');
    assert.equal(entry!.azsess_sealed, undefined, 'nothing left to seal');
    const manifest = JSON.parse(readFileSync(join(fx.tmp.home, 'manifest.json'), 'utf8')) as Record<string, string>;
    assert.equal(manifest.client_secret, '');
    assert.equal(manifest.azsess_sealed, undefined);
    assert.equal(manifest.token_store, 'keychain');
    const clear = await run(['clear-cache']);
    assert.equal(clear.code, 0, clear.stderr);
    assert.deepEqual(entries(fx.tmp.home), []);
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
    // Back to files: what cannot be opened is dropped, and the entries stay, their secrets "".
    const back = await run(['write-manifest', '--token-store', 'file']);
    assert.equal(back.code, 0, back.stderr);
    const [entry] = entries(fx.tmp.home);
    assert.equal(entry!.azsess_sealed, undefined);
    assert.equal(entry!.refresh_token, '');
    assert.equal(typeof entry!.account, 'string');
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
    // Back to files needs the key: said so, nothing changed.
    const before = readFileSync(join(fx.tmp.home, 'sessions.json'), 'utf8');
    const back = await run(['write-manifest', '--token-store', 'file']);
    assert.equal(back.code, 6, back.stderr);
    assert.match(back.stderr, /Cannot move the secrets .* back to files: .*the keyring is locked.*; unlock or start it and run the command again, nothing was changed\./);
    assert.equal(readFileSync(join(fx.tmp.home, 'sessions.json'), 'utf8'), before);
    // status still shows the sessions, their accounts and expiries: those are not sealed.
    const status = await run(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stderr, /the keyring is locked/);
    assert.match(status.stdout, /alice@/);
    assert.match(status.stdout, /secrets sealed \(the keychain cannot open them now\)/);
  });
});
