import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fixturesDir } from '../support/paths.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

let tmp: TmpHome;
beforeEach(() => {
  tmp = makeTmpHome();
});
afterEach(() => tmp.cleanup());

const azsess = (args: string[], input?: string, env: Record<string, string> = {}) =>
  runCli(args, { userHome: tmp.userHome, ...(input !== undefined ? { input } : {}), env });

const mode = (path: string) => statSync(path).mode & 0o777;

function seed(fixture = 'sessions.json'): string {
  mkdirSync(tmp.home, { recursive: true, mode: 0o700 });
  const path = join(tmp.home, 'sessions.json');
  copyFileSync(join(fixturesDir, fixture), path);
  chmodSync(path, 0o600);
  return path;
}

function assertOneSentence(result: CliResult, exitCode: number, pattern: RegExp) {
  assert.equal(result.code, exitCode, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('write-manifest', () => {
  test('creates the home 0700 and a manifest 0600 with all four keys', async () => {
    const r = await azsess(['write-manifest', '--client-id', 'app-1', '--tenant', 'contoso.onmicrosoft.com', '--protocol', 'device-code']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(mode(tmp.home), 0o700);
    const path = join(tmp.home, 'manifest.json');
    assert.equal(mode(path), 0o600);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
      client_id: 'app-1', client_secret: '', tenant: 'contoso.onmicrosoft.com', protocol: 'AzDeviceCodeFlowCredentials',
    });
  });

  test('updates the keys given and keeps the others; --reset starts empty', async () => {
    await azsess(['write-manifest', '--client-id', 'app-1', '--tenant', 'common']);
    await azsess(['write-manifest', '--protocol', 'AzDeviceCodeCredentials']);
    const path = join(tmp.home, 'manifest.json');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
      client_id: 'app-1', client_secret: '', tenant: 'common', protocol: 'AzDeviceCodeFlowCredentials',
    });
    await azsess(['write-manifest', '--reset', '--protocol', 'vm']);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { client_id: '', client_secret: '', tenant: '', protocol: 'AzVMCredentials' });
  });

  test('keeps the protocal spelling of an old manifest', async () => {
    mkdirSync(tmp.home, { mode: 0o700 });
    copyFileSync(join(fixturesDir, 'manifest-protocal.json'), join(tmp.home, 'manifest.json'));
    chmodSync(join(tmp.home, 'manifest.json'), 0o600);
    const r = await azsess(['write-manifest', '--tenant', 'fabrikam.com']);
    assert.equal(r.code, 0, r.stderr);
    const written = JSON.parse(readFileSync(join(tmp.home, 'manifest.json'), 'utf8')) as Record<string, string>;
    assert.equal(written.protocal, 'AzClientCredentials');
    assert.equal(written.client_secret, 's3cr3t~value');
    assert.equal(written.tenant, 'fabrikam.com');
  });

  test('--client-secret works and warns; --client-secret-stdin reads one line and does not echo it', async () => {
    const flagged = await azsess(['write-manifest', '--client-secret', 'flag-secret-value']);
    assert.equal(flagged.code, 0);
    assert.match(flagged.stderr, /process list/);
    const piped = await azsess(['write-manifest', '--client-secret-stdin'], 'piped-secret-value\nsecond line\n');
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(JSON.parse(readFileSync(join(tmp.home, 'manifest.json'), 'utf8')).client_secret, 'piped-secret-value');
    for (const r of [flagged, piped]) assert.doesNotMatch(r.stderr + r.stdout, /secret-value/);
    const both = await azsess(['write-manifest', '--client-secret', 'x', '--client-secret-stdin']);
    assertOneSentence(both, 2, /not both/);
  });

  test('an unknown protocol or a bad tenant is exit 2 with the valid values', async () => {
    assertOneSentence(await azsess(['write-manifest', '--protocol', 'kerberos']), 2, /device-code, auth-code, client-credentials/);
    assertOneSentence(await azsess(['write-manifest', '--tenant', 'not/a/tenant']), 2, /GUID.*common, organizations or consumers/);
  });
});

describe('the session cache', () => {
  test('status lists sessions with protocol, tenant, client, resource, expiry and refresh token, never a token', async () => {
    seed();
    const text = await azsess(['status']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /device-code/);
    assert.match(text.stdout, /2026-11-21 14:05:03 UTC/);
    assert.match(text.stdout, /refresh token: yes/);
    const json = await azsess(['status', '--output', 'json']);
    const report = JSON.parse(json.stdout) as { sessions: Array<Record<string, unknown>>; settings: Record<string, { value: string }> };
    assert.equal(report.sessions.length, 4);
    assert.deepEqual(report.sessions.map((s) => s.refresh_token), [true, true, false, false]);
    assert.equal(report.sessions[2]!.resource, 'https://management.azure.com/');
    for (const out of [text.stdout, json.stdout]) assert.doesNotMatch(out, /eyJ|0\.AAAA|s3cr3t/);
  });

  test('status shows each setting with its source, and a secret only as "set"', async () => {
    await azsess(['write-manifest', '--tenant', 'contoso.com', '--client-secret', 'manifest-secret-1']);
    const r = await azsess(['status', '--output', 'json', '--client-id', 'flag-client'], undefined, { AZURE_AUTHORITY_HOST: 'login.microsoftonline.us' });
    const report = JSON.parse(r.stdout) as { settings: Record<string, { value: string; source: string }>; home: { source: string } };
    assert.deepEqual(report.settings.client_id, { value: 'flag-client', source: 'flag', origin: '--client-id' });
    assert.equal(report.settings.tenant!.source, 'manifest');
    assert.equal(report.settings.authority_host!.source, 'environment');
    assert.equal(report.settings.protocol!.source, 'default');
    assert.deepEqual([report.settings.client_secret!.value, report.settings.client_secret!.source], ['set', 'manifest']);
    assert.doesNotMatch(r.stdout + r.stderr, /manifest-secret-1/);
  });

  test('clear-cache removes matching sessions, or all, and says how many', async () => {
    const path = seed();
    let r = await azsess(['clear-cache', '--protocol', 'client-credentials']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /Removed 1 session/);
    r = await azsess(['clear-cache', '--scope', 'https://storage.azure.com/.default']);
    assert.match(r.stderr, /Removed 1 session/);
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { sessions: unknown[] }).sessions.length, 2);
    r = await azsess(['clear-cache']);
    assert.match(r.stderr, /Removed 2 sessions/);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { sessions: [] });
    assert.equal(mode(path), 0o600);
  });

  test('scrub blanks every secret and keeps the sessions; --manifest blanks the manifest secret', async () => {
    const path = seed();
    await azsess(['write-manifest', '--client-id', 'c', '--client-secret', 'manifest-secret-2']);
    const r = await azsess(['scrub', '--manifest']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Blanked 4 tokens, 2 refresh_tokens, 1 id_token, 1 client_secret in 4 sessions/);
    assert.match(r.stderr, /manifest's client_secret/);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { sessions: string[] };
    assert.equal(file.sessions.length, 4);
    for (const entry of file.sessions) {
      const s = JSON.parse(entry) as Record<string, string>;
      for (const key of ['token', 'refresh_token', 'id_token', 'client_secret']) assert.ok(!s[key], `${key} blanked`);
    }
    const manifest = JSON.parse(readFileSync(join(tmp.home, 'manifest.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual([manifest.client_secret, manifest.client_id], ['', 'c']);
  });

  test('a corrupt sessions.json is moved aside with one warning naming both files, and azsess carries on', async () => {
    mkdirSync(tmp.home, { mode: 0o700 });
    const path = join(tmp.home, 'sessions.json');
    writeFileSync(path, '{"sessions": ["half a sess', { mode: 0o600 });
    const r = await azsess(['status']);
    assert.equal(r.code, 0, r.stderr);
    const aside = readdirSync(tmp.home).filter((n) => n.startsWith('sessions.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.match(aside[0]!, /^sessions\.json\.corrupt-\d{8}T\d{6}Z$/);
    assert.equal(readFileSync(join(tmp.home, aside[0]!), 'utf8'), '{"sessions": ["half a sess', 'moved, not changed');
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(path) && warnings[0]!.includes(aside[0]!));
    assert.match(r.stdout, /No stored sessions/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('clear-cache works on a corrupt file', async () => {
    mkdirSync(tmp.home, { mode: 0o700 });
    writeFileSync(join(tmp.home, 'sessions.json'), 'garbage', { mode: 0o600 });
    const r = await azsess(['clear-cache']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /moved it to/);
    assert.match(r.stderr, /Removed 0 sessions/);
  });
});

describe('configuration problems', () => {
  test('an invalid manifest is exit 6, names the file and the problem, and is not rewritten', async () => {
    mkdirSync(tmp.home, { mode: 0o700 });
    const path = join(tmp.home, 'manifest.json');
    for (const [text, problem] of [
      ['{"client_id": ', /not JSON/],
      ['{"client_id": 42}', /"client_id" must be a string/],
      ['{"protocol": "AzKerberos"}', /"protocol" is "AzKerberos"/],
      ['{"tenant": "bad tenant"}', /"tenant" is "bad tenant"/],
    ] as const) {
      writeFileSync(path, text, { mode: 0o600 });
      const r = await azsess(['status']);
      assertOneSentence(r, 6, problem);
      assert.ok(r.stderr.includes(path));
      const update = await azsess(['write-manifest', '--client-id', 'x']);
      assertOneSentence(update, 6, problem);
      assert.equal(readFileSync(path, 'utf8'), text, 'the manifest is left as the user wrote it');
    }
  });

  test('a home or file open to others is reported once with the chmod that fixes it', async () => {
    seed();
    chmodSync(tmp.home, 0o755);
    chmodSync(join(tmp.home, 'sessions.json'), 0o644);
    const r = await azsess(['status']);
    assert.equal(r.code, 0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(`chmod 700 ${tmp.home} && chmod 600 ${join(tmp.home, 'sessions.json')}`), warnings[0]);
  });

  test('AZSESSIONS_HOME and --home choose the home', async () => {
    const other = join(tmp.userHome, 'elsewhere');
    await azsess(['write-manifest', '--tenant', 'common'], undefined, { AZSESSIONS_HOME: other });
    assert.equal(mode(join(other, 'manifest.json')), 0o600);
    const flag = join(tmp.userHome, 'flagged');
    await azsess(['--home', flag, 'write-manifest', '--tenant', 'common'], undefined, { AZSESSIONS_HOME: other });
    assert.equal(mode(join(flag, 'manifest.json')), 0o600);
  });
});

describe('usage errors are exit 2 with one sentence, on every command', () => {
  const commands: Array<{ name: string; protocol: boolean }> = [
    { name: 'token', protocol: true },
    { name: 'login', protocol: true },
    { name: 'write-manifest', protocol: true },
    { name: 'clear-cache', protocol: true },
    { name: 'scrub', protocol: false },
    { name: 'status', protocol: true },
  ];
  for (const { name, protocol } of commands) {
    test(name, async () => {
      assertOneSentence(await azsess([name, '--no-such-flag']), 2, new RegExp(`unknown option '--no-such-flag'.*azsess ${name} --help`, 'i'));
      assertOneSentence(await azsess([name, '--home']), 2, /--home needs a value/);
      if (protocol) assertOneSentence(await azsess([name, '--protocol', 'kerberos']), 2, /Unknown protocol 'kerberos'/);
    });
  }
  test('no command, or an unknown one', async () => {
    assert.equal((await azsess([])).code, 2);
    assertOneSentence(await azsess(['frobnicate']), 2, /unknown command 'frobnicate'/i);
  });
  test('--help and --version go to stdout with exit 0', async () => {
    const help = await azsess(['status', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:\n(\s+\$ azsess status.*\n){2}/);
    const version = await azsess(['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
