import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseSessionsDocument } from '../../src/store/sessions-document.js';
import { fsFaultEnv } from '../support/fs-faults.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { runCli, type CliResult } from '../support/run-cli.js';

/**
 * What a home on a read-only or full disk, a shared (linked) cache, odd bytes and odd files do:
 * one sentence and exit 6, never "unexpected failure", and nothing stored is lost.
 */
const fx = useIdpAndHome();
const resource = 'https://vault.azure.net';
const tokenArgs = ['token', '--protocol', 'client-credentials', '--resource', resource];

const azsess = (args: string[], env: Record<string, string> = {}, timeoutMs?: number) =>
  runCli(args, { userHome: fx.tmp.userHome, env: fx.appEnv(env), ...(timeoutMs ? { timeoutMs } : {}) });

const sessionsFile = () => join(fx.tmp.home, 'sessions.json');

/** A home with one saved session, as a first run leaves it. */
async function savedHome(): Promise<string> {
  const first = await azsess(tokenArgs);
  assert.equal(first.code, 0, first.stderr);
  return readFileSync(sessionsFile(), 'utf8');
}

function assertConfigError(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 6, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /unexpected|\n\s+at /);
}

describe('a home that cannot be written', () => {
  for (const code of ['EROFS', 'EACCES']) {
    test(`${code}: exit 6 with a sentence naming the home as not writable; the cache is untouched`, async () => {
      const before = await savedHome();
      const r = await azsess([...tokenArgs, '--offset', '4000'], fsFaultEnv(code, 'change', fx.tmp.home));
      assertConfigError(r, new RegExp(`the azsess home ${fx.tmp.home} is not writable \\(${code}\\)`));
      assert.equal(readFileSync(sessionsFile(), 'utf8'), before);
      assert.deepEqual(readdirSync(fx.tmp.home), ['sessions.json']);
    });
  }

  test('any other file-system error on the lock or the store (EIO) is a sentence and exit 6, never "unexpected failure"', async () => {
    const before = await savedHome();
    const r = await azsess([...tokenArgs, '--offset', '4000'], fsFaultEnv('EIO', 'change', fx.tmp.home));
    assertConfigError(r, new RegExp(`Cannot lock ${fx.tmp.home}/sessions\\.json in the azsess home ${fx.tmp.home} \\(EIO: `));
    assert.equal(readFileSync(sessionsFile(), 'utf8'), before);
  });

  test('a full disk: the refreshed token is printed, with a warning that it was not saved; the cache is untouched', async () => {
    const before = await savedHome();
    const r = await azsess([...tokenArgs, '--offset', '4000'], fsFaultEnv('ENOSPC', 'write', fx.tmp.home));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ey/);
    assert.match(r.stderr, /not saved/);
    assert.match(r.stderr, new RegExp(`the disk holding ${fx.tmp.home} is full`));
    assert.equal(readFileSync(sessionsFile(), 'utf8'), before);
    assert.deepEqual(readdirSync(fx.tmp.home), ['sessions.json'], 'no temporary file or lock is left');
  });

  test('a full disk: login, whose job is to save, fails with exit 6 and the sentence', async () => {
    const before = await savedHome();
    const r = await azsess(['login', '--protocol', 'client-credentials', '--scope', `${resource}/.default`], fsFaultEnv('ENOSPC', 'write', fx.tmp.home));
    assertConfigError(r, new RegExp(`the disk holding ${fx.tmp.home} is full \\(ENOSPC\\)`));
    assert.equal(readFileSync(sessionsFile(), 'utf8'), before);
  });

  test('a home that cannot be created (under /proc) ends with exit 6 instead of spinning', async () => {
    const r = await azsess([...tokenArgs, '--home', '/proc/azsess-test/home'], {}, 30_000);
    assertConfigError(r, /Cannot create the azsess home \/proc\/azsess-test\/home/);
  });
});

describe('files as people leave them', () => {
  test('a sessions.json that is a symbolic link is written through: the link stays, its target gets the session', async () => {
    const shared = join(fx.tmp.userHome, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'sessions.json'), '{"sessions":[]}');
    mkdirSync(fx.tmp.home, { mode: 0o700 });
    symlinkSync(join(shared, 'sessions.json'), sessionsFile());
    const r = await azsess(tokenArgs);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(sessionsFile()).isSymbolicLink(), 'the link is kept');
    const doc = parseSessionsDocument(readFileSync(join(shared, 'sessions.json'), 'utf8'));
    assert.ok(doc.ok && doc.doc.sessions.some((s) => s.resource === resource));
    // A linked cache that cannot be read: the file it names is moved aside, and the link stays.
    writeFileSync(join(shared, 'sessions.json'), 'not json');
    const again = await azsess(tokenArgs);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`moved it to ${join(shared, 'sessions.json')}\\.corrupt-`));
    assert.ok(lstatSync(sessionsFile()).isSymbolicLink(), 'the link is kept');
    assert.equal(readdirSync(shared).filter((f) => f.includes('.corrupt-')).length, 1);
  });

  test('a UTF-8 byte-order mark is accepted in sessions.json and in the manifest', async () => {
    const text = await savedHome();
    writeFileSync(sessionsFile(), `\uFEFF${text}`);
    const hit = await azsess(tokenArgs);
    assert.equal(hit.code, 0, hit.stderr);
    assert.equal(hit.stderr, '');
    assert.deepEqual(readdirSync(fx.tmp.home), ['sessions.json'], 'nothing moved aside');
    writeFileSync(join(fx.tmp.home, 'manifest.json'), `\uFEFF${JSON.stringify({ client_id: 'app-1', client_secret: '', tenant: '', protocol: '' })}`);
    const r = await azsess(['write-manifest', '--tenant', 'contoso.onmicrosoft.com']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(readFileSync(join(fx.tmp.home, 'manifest.json'), 'utf8')).client_id, 'app-1');
  });

  test('malformed entries among good ones: the good ones serve, the bad ones are kept as found, one warning', async () => {
    const text = await savedHome();
    const bad = [42, 'not json', JSON.stringify({ protocol: 'AzClientCredentials', token: 5, resource: 'https://x.example' })];
    const data = JSON.parse(text) as { sessions: unknown[] };
    writeFileSync(sessionsFile(), JSON.stringify({ ...data, sessions: [...data.sessions, ...bad] }));
    const hit = await azsess(tokenArgs);
    assert.equal(hit.code, 0, hit.stderr);
    assert.equal(hit.stderr.match(/cannot read/g)?.length, 1, `one warning: ${hit.stderr}`);
    assert.match(hit.stderr, /entries 2, 3, 4 of "sessions"/);
    // A write keeps them, as found.
    const refresh = await azsess([...tokenArgs, '--offset', '4000']);
    assert.equal(refresh.code, 0, refresh.stderr);
    assert.deepEqual(readdirSync(fx.tmp.home), ['sessions.json'], 'nothing moved aside');
    const after = JSON.parse(readFileSync(sessionsFile(), 'utf8')) as { sessions: unknown[] };
    assert.deepEqual(after.sessions.slice(-3), bad);
  });

  test('a manifest that is a directory or a huge file gets advice that fits, not "check its permissions"', async () => {
    mkdirSync(join(fx.tmp.home, 'manifest.json'), { recursive: true });
    const dir = await azsess(['write-manifest', '--tenant', 'contoso.onmicrosoft.com']);
    assertConfigError(dir, /manifest\.json: it is a directory, not a file; move it away/);
    assert.doesNotMatch(dir.stderr, /permissions/);
    assert.ok(lstatSync(join(fx.tmp.home, 'manifest.json')).isDirectory(), 'the directory is left where it was');
    const huge = join(fx.tmp.userHome, 'huge');
    mkdirSync(huge, { mode: 0o700 });
    writeFileSync(join(huge, 'manifest.json'), Buffer.alloc(2 * 1024 * 1024, 0x20));
    const big = await azsess(['write-manifest', '--tenant', 'contoso.onmicrosoft.com', '--home', huge]);
    assertConfigError(big, /larger than 1 MiB, so it is not an azsess manifest/);
    assert.doesNotMatch(big.stderr, /permissions/);
  });

  test('a sessions.json that is a directory gets advice that fits', async () => {
    mkdirSync(sessionsFile(), { recursive: true });
    const r = await azsess(tokenArgs);
    assertConfigError(r, /sessions\.json: it is a directory, not a file; move it away/);
  });
});
