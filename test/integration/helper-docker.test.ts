import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startTestIdp, type TestIdp } from '../idp/index.js';
import { ACR_NULL_USER, startAcrFake, type AcrFake } from '../support/acr-fake.js';
import { entraVerifier } from '../support/entra-verifier.js';
import { writeOciLayout } from '../support/oci-image.js';
import { dockerHelperBin } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';
import { requires } from '../support/requires.js';

const skip = requires('skopeo', 'docker-registry', 'openssl');

/**
 * skopeo (containers/image, the library podman shares) pulls from the distribution registry behind
 * an ACR-shaped front, with docker-credential-azsess named in credHelpers of ~/.docker/config.json
 * by `azsess setup docker`. Pushing uses the registry's admin user; pulling only azsess.
 */

let idp: TestIdp;
/** The registry's storage, the image pushed and the helper's bin directory: shared by the file. */
let shared: TmpHome;
/** The user's home of the running test: every test starts from an empty one. */
let tmp: TmpHome;
let acr: AcrFake;
let binDir: string;
let layerDigest: string;
let output = '';

function appEnv(): Record<string, string> {
  return {
    AZURE_AUTHORITY_HOST: idp.url,
    AZURE_TENANT_ID: idp.tenantId,
    AZURE_CLIENT_ID: idp.confidentialClientId,
    AZURE_CLIENT_SECRET: idp.clientSecret,
    AZSESS_PROTOCOL: 'client-credentials',
    AZSESS_ACR_HOSTS: acr.host,
  };
}

function clientEnv(home = tmp): Record<string, string> {
  return { PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: home.userHome, LANG: 'C.UTF-8', ...appEnv() };
}

async function skopeo(args: string[], home = tmp) {
  const result = await runCommand('skopeo', ['--insecure-policy', ...args], { env: clientEnv(home) });
  output += result.stdout + result.stderr;
  return result;
}

const helper = (action: string, input = '', env: Record<string, string> = appEnv()) =>
  runCli([action], { bin: 'docker-credential-azsess', userHome: tmp.userHome, env, input });

before(async () => {
  if (skip) return;
  idp = await startTestIdp();
  shared = makeTmpHome();
  acr = await startAcrFake(await entraVerifier(idp), join(shared.userHome, 'acr'));
  binDir = join(shared.userHome, 'bin');
  mkdirSync(binDir);
  // As `npm install -g azsess` puts it on PATH, where docker and skopeo look for helpers.
  symlinkSync(dockerHelperBin, join(binDir, 'docker-credential-azsess'));
  const layout = join(shared.userHome, 'image');
  ({ layerDigest } = await writeOciLayout(layout, 'v1', { 'hello.txt': 'hello from azsess\n' }));
  const push = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', `${acr.admin.username}:${acr.admin.password}`, `oci:${layout}:v1`, `docker://${acr.host}/hello:v1`], shared);
  assert.equal(push.code, 0, push.stderr);
});

// Each test sets up what it needs in a home of its own, so any one of them runs alone.
beforeEach(() => {
  tmp = makeTmpHome();
  idp.requests.reset();
});
afterEach(() => tmp.cleanup());

after(async () => {
  if (skip) return;
  await acr?.close();
  await idp?.close();
  shared?.cleanup();
});

describe('docker credential helper through skopeo and the distribution registry', { skip }, () => {
  test('setup docker adds credHelpers and keeps the rest; skopeo pulls with an exchanged ACR token; a second pull exchanges nothing', async () => {
    const configPath = join(tmp.userHome, '.docker', 'config.json');
    mkdirSync(join(tmp.userHome, '.docker'));
    writeFileSync(configPath, JSON.stringify({ auths: { 'other.example.com': { auth: 'dXNlcjpwYXNz' } }, credHelpers: { 'gcr.io': 'gcloud' }, detachKeys: 'ctrl-e,e' }));
    chmodSync(configPath, 0o640);
    const setup = await runCli(['setup', 'docker', '--registry', acr.host], { userHome: tmp.userHome, env: { ...clientEnv() } });
    assert.equal(setup.code, 0, setup.stderr);
    assert.equal(setup.stdout, '');
    assert.match(setup.stderr, new RegExp(`Wrote ${configPath}: credHelpers "${acr.host}": "azsess"\\.`));
    assert.deepEqual(JSON.parse(readFileSync(configPath, 'utf8')), {
      auths: { 'other.example.com': { auth: 'dXNlcjpwYXNz' } },
      credHelpers: { 'gcr.io': 'gcloud', [acr.host]: 'azsess' },
      detachKeys: 'ctrl-e,e',
    });
    assert.equal(statSync(configPath).mode & 0o777, 0o640, 'the mode is kept');

    idp.requests.reset();
    const exchangesBefore = acr.exchanges.length;
    const pull = await skopeo(['copy', '--src-tls-verify=false', `docker://${acr.host}/hello:v1`, `oci:${join(tmp.userHome, 'pulled')}:v1`]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.ok(statSync(join(tmp.userHome, 'pulled', 'blobs', 'sha256', layerDigest.slice(7))).isFile());
    assert.deepEqual(acr.exchanges.slice(exchangesBefore), [{ ok: true }]);
    assert.ok(acr.tokenRequests.some((r) => r.user === ACR_NULL_USER && r.ok), 'skopeo used the ACR refresh token');
    assert.equal(idp.requests.count({ endpoint: 'token', grantType: 'client_credentials' }), 1);

    idp.requests.reset();
    const again = await skopeo(['copy', '--src-tls-verify=false', `docker://${acr.host}/hello:v1`, `oci:${join(tmp.userHome, 'pulled-again')}:v1`]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(acr.exchanges.length, exchangesBefore + 1, 'the cached ACR refresh token was reused');
    assert.equal(idp.requests.count(), 0);

    const status = await runCli(['status', '--output', 'json'], { userHome: tmp.userHome, env: appEnv() });
    const registries = (JSON.parse(status.stdout) as { registries: Array<Record<string, unknown>> }).registries;
    assert.deepEqual(registries.map((r) => [r.server, r.username, r.refresh_token]), [[acr.host, ACR_NULL_USER, true]]);
    assert.ok((registries[0]!.expires_in_seconds as number) > 2.9 * 3600);
    const leaks = [...idp.issued.findIn(output + setup.stderr + status.stdout), ...acr.issuedRefreshTokens.filter((t) => (output + status.stdout).includes(t))];
    assert.deepEqual(leaks, []);
  });

  test('a pull storm after erase makes one exchange; list names the cached registry', async () => {
    assert.equal((await helper('get', acr.host)).code, 0, 'a registry token is cached');
    const erase = await helper('erase', `${acr.host}\n`);
    assert.deepEqual([erase.code, erase.stdout], [0, '']);
    const before = acr.exchanges.length;
    const answers = await Promise.all([1, 2, 3, 4].map(() => helper('get', acr.host)));
    for (const a of answers) assert.equal(a.code, 0, a.stdout + a.stderr);
    const parsed = answers.map((a) => JSON.parse(a.stdout) as { ServerURL: string; Username: string; Secret: string });
    assert.equal(acr.exchanges.length, before + 1);
    assert.equal(new Set(parsed.map((p) => p.Secret)).size, 1);
    assert.deepEqual(Object.keys(parsed[0]!), ['ServerURL', 'Username', 'Secret']);
    assert.deepEqual([parsed[0]!.ServerURL, parsed[0]!.Username], [acr.host, ACR_NULL_USER]);
    const list = await helper('list');
    assert.deepEqual(JSON.parse(list.stdout), { [acr.host]: ACR_NULL_USER });
  });

  test('other hosts get "credentials not found"; failures are one line on stdout and exit 1', async () => {
    const before = acr.exchanges.length;
    idp.requests.reset();
    for (const server of ['evil.azurecr.io.example.com', 'https://index.docker.io/v1/', 'myregistry.azurecr.io.evil.com', '']) {
      const r = await helper('get', `${server}\n`);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, 'credentials not found in native keychain\n', ''], server);
    }
    assert.equal(idp.requests.count(), 0);

    await helper('erase', acr.host);
    acr.refuseExchanges = true;
    const refused = await helper('get', acr.host);
    acr.refuseExchanges = false;
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, new RegExp(`^${acr.host.replace(/\./g, '\\.')} refused the Entra token \\(HTTP 401: token exchange refused: no AcrPull role\\); check that the identity may pull from the registry \\(the AcrPull role\\)[^\\n]*\\n$`));
    assert.equal(acr.exchanges.length, before + 1);

    const { AZURE_CLIENT_SECRET: _secret, AZSESS_PROTOCOL: _protocol, ...noApp } = appEnv();
    const signIn = await helper('get', acr.host, { ...noApp, AZURE_CLIENT_ID: idp.publicClientId });
    assert.equal(signIn.code, 1);
    assert.match(signIn.stdout, /^No usable device-code session for https:\/\/containerregistry\.azure\.net\/\.default, and signing in needs a person at a terminal; run: azsess login [^\n]+\n$/);

    const stored = await helper('store', JSON.stringify({ ServerURL: acr.host, Username: 'u', Secret: 's' }));
    assert.deepEqual([stored.code, stored.stdout], [0, '']);
    const version = await helper('version');
    assert.match(version.stdout, /^docker-credential-azsess \(azsess\) \d+\.\d+\.\d+\n$/);
    const unknown = await helper('frobnicate');
    assert.deepEqual([unknown.code, unknown.stdout], [1, 'Usage: docker-credential-azsess <get|store|erase|list|version>\n']);
    const badHosts = await helper('get', acr.host, { ...appEnv(), AZSESS_ACR_HOSTS: 'https://x/y' });
    assert.deepEqual([badHosts.code, badHosts.stdout], [1, "AZSESS_ACR_HOSTS entry 'https://x/y' is not host[:port]; fix or unset AZSESS_ACR_HOSTS.\n"]);
    const badTimeout = await helper('get', acr.host, { ...appEnv(), AZSESS_TIMEOUT: 'soon' });
    assert.deepEqual([badTimeout.code, badTimeout.stdout], [1, 'AZSESS_TIMEOUT must be a number of seconds above 0, not "soon"; fix or unset it.\n']);
  });

  test('scrub blanks the cached registry token and clear-cache removes it', async () => {
    assert.equal((await helper('get', acr.host)).code, 0);
    const scrub = await runCli(['scrub'], { userHome: tmp.userHome, env: appEnv() });
    assert.match(scrub.stderr, /Blanked the cached token of 1 container registry\./);
    const sessions = readFileSync(join(tmp.home, 'sessions.json'), 'utf8');
    assert.deepEqual(acr.issuedRefreshTokens.filter((t) => sessions.includes(t)), []);
    const clear = await runCli(['clear-cache'], { userHome: tmp.userHome, env: appEnv() });
    assert.match(clear.stderr, /Removed 1 session and 1 cached registry token from /);
    assert.deepEqual(JSON.parse((await helper('list')).stdout), {});
  });
});
