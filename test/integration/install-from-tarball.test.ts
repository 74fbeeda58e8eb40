import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../support/paths.js';
import { runCommand } from '../support/run-command.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

/**
 * azsess as a user gets it: packed, installed globally from the tarball (as from a registry) into
 * a prefix of its own, then run from there, away from the repository and its node_modules.
 */
let tmp: TmpHome;
let prefix: string;
let installLog = '';

const env = () => ({ ...(process.env as Record<string, string>), AZSESSIONS_HOME: join(tmp.userHome, 'azsess-home'), CI: 'true' });

before(async () => {
  tmp = makeTmpHome();
  prefix = join(tmp.userHome, 'global');
  // The build already ran (npm test builds first): packing needs no second one.
  const pack = await runCommand('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp.userHome], { env: env(), cwd: repoRoot });
  assert.equal(pack.code, 0, pack.stderr);
  const tarball = join(tmp.userHome, readdirSync(tmp.userHome).find((name) => name.endsWith('.tgz'))!);
  // --prefer-offline: the dependencies are in npm's cache since `npm ci`.
  const install = await runCommand('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    env: env(),
    cwd: tmp.userHome,
    timeoutMs: 120_000,
  });
  installLog = install.stdout + install.stderr;
  assert.equal(install.code, 0, installLog);
});
after(() => tmp?.cleanup());

const installed = () => join(prefix, 'lib', 'node_modules', 'azsess');
const run = (bin: string, args: string[]) => runCommand(join(prefix, 'bin', bin), args, { env: env(), cwd: tmp.userHome });

test('installing runs no script of ours and warns of none', () => {
  assert.doesNotMatch(installLog, /install scripts|allowScripts|npm warn/i, installLog);
});

test('the installed azsess runs: --version, token --help', async () => {
  const version = await run('azsess', ['--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
  const help = await run('azsess', ['token', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: azsess token/);
});

test('the public-suffix list (tldts, outside the bundles) resolves from the installed package', async () => {
  const found = createRequire(join(installed(), 'dist', 'bundle', 'azsess.cjs')).resolve('tldts');
  assert.ok(found.startsWith(prefix), `tldts found at ${found}, outside the installation`);
  const refused = await run('azsess', ['setup', 'git', '--allow-host', '*.com']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /covers every host under the public suffix com/);
});

test("docker's helper is installed beside it and runs", async () => {
  assert.ok(existsSync(join(prefix, 'bin', 'docker-credential-azsess')));
  const version = await run('docker-credential-azsess', ['version']);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^docker-credential-azsess \(azsess\) \d/);
});

test('the bundles and their code caches are installed as built (V8 accepts a cache wherever the file lies)', () => {
  const built = join(repoRoot, 'dist', 'bundle');
  for (const name of readdirSync(built)) {
    assert.deepEqual(readFileSync(join(installed(), 'dist', 'bundle', name)), readFileSync(join(built, name)), name);
  }
});

test('the keychain package (@napi-rs/keyring, outside the bundles) resolves from the installed package, its prebuilt binary loads', async () => {
  const found = createRequire(join(installed(), 'dist', 'bundle', 'azsess.cjs')).resolve('@napi-rs/keyring');
  assert.ok(found.startsWith(prefix), `@napi-rs/keyring found at ${found}, outside the installation`);
  // With no D-Bus bus to reach, the answer names the bus: the binary loaded and asked for it.
  const r = await runCommand(join(prefix, 'bin', 'azsess'), ['write-manifest', '--token-store', 'keychain'], {
    env: { ...env(), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tmp.userHome, 'no-bus')}` },
    cwd: tmp.userHome,
  });
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /no Secret Service is reachable/);
});
