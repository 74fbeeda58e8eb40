import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/domain/errors.js';
import { gitConfigCommands, gitHelperEntries, gitHelperValue } from '../../../src/helpers/git-config.js';
import {
  defaultGitHosts,
  handleGitCredential,
  hostMatches,
  isAllowedRequest,
  parseAllowHost,
  parseGitCredentialRequest,
} from '../../../src/helpers/git-credential.js';

test('git requests: key=value lines up to the first blank line; unknown keys kept, odd lines ignored', () => {
  const request = parseGitCredentialRequest('protocol=https\r\nhost=dev.azure.com\nnot a pair\npath=org/_git/repo\nwwwauth[]=Basic realm="x=y"\n\nhost=evil.com\n');
  assert.deepEqual(request, { protocol: 'https', host: 'dev.azure.com', path: 'org/_git/repo', 'wwwauth[]': 'Basic realm="x=y"' });
});

test('hosts: exact names, *. for one label, ports must agree; https, or http only to loopback', () => {
  const cases: Array<[string, string, boolean]> = [
    ['dev.azure.com', 'DEV.azure.com', true],
    ['dev.azure.com', 'dev.azure.com.evil.com', false],
    ['dev.azure.com', 'dev.azure.com:8443', false],
    ['*.visualstudio.com', 'contoso.visualstudio.com', true],
    ['*.visualstudio.com', 'visualstudio.com', false],
    ['*.visualstudio.com', 'a.b.visualstudio.com', false],
    ['*.visualstudio.com', 'evilvisualstudio.com', false],
    ['127.0.0.1:8080', '127.0.0.1:8080', true],
  ];
  for (const [pattern, host, expected] of cases) assert.equal(hostMatches(pattern, host), expected, `${pattern} ~ ${host}`);
  const allowed = [...defaultGitHosts, '127.0.0.1:8080'];
  assert.ok(isAllowedRequest({ protocol: 'https', host: 'dev.azure.com' }, allowed));
  assert.ok(!isAllowedRequest({ protocol: 'http', host: 'dev.azure.com' }, allowed));
  assert.ok(isAllowedRequest({ protocol: 'http', host: '127.0.0.1:8080' }, allowed));
  assert.ok(!isAllowedRequest({ protocol: 'https' }, allowed));
  assert.equal(parseAllowHost(' Git.Example.com:8443 '), 'git.example.com:8443');
  for (const bad of ['https://x.com', 'x.com/path', '*', 'a*.com', '']) assert.throws(() => parseAllowHost(bad), UsageError, bad);
});

test('get answers user, token and expiry; store and unknown hosts print nothing and fetch nothing; erase forgets', async () => {
  const calls: string[] = [];
  const deps = {
    token: async () => (calls.push('token'), { token: 'eyJ.token', expiry: new Date(1_800_000_000_500) }),
    forget: async () => void calls.push('forget'),
  };
  const hosts = [...defaultGitHosts];
  assert.equal(await handleGitCredential('get', 'protocol=https\nhost=dev.azure.com\n\n', hosts, deps), 'username=azsess\npassword=eyJ.token\npassword_expiry_utc=1800000000\n');
  assert.match(await handleGitCredential('get', 'protocol=https\nhost=x.visualstudio.com\nusername=alice\n', hosts, deps), /^username=alice\n/);
  assert.equal(await handleGitCredential('get', 'protocol=https\nhost=github.com\n', hosts, deps), '');
  assert.equal(await handleGitCredential('store', 'protocol=https\nhost=dev.azure.com\npassword=x\n', hosts, deps), '');
  assert.equal(await handleGitCredential('erase', 'protocol=https\nhost=github.com\n', hosts, deps), '');
  assert.equal(await handleGitCredential('erase', 'protocol=https\nhost=dev.azure.com\n', hosts, deps), '');
  assert.deepEqual(calls, ['token', 'token', 'forget']);
});

test('setup git: an empty helper then azsess per URL, useHttpPath for dev.azure.com, shell-quoted arguments', () => {
  const helper = gitHelperValue('/opt/my tools/azsess', ['--allow-host', '127.0.0.1:8080', '--tenant', "o'brien.com"]);
  assert.equal(helper, `!'/opt/my tools/azsess' git-credential --allow-host 127.0.0.1:8080 --tenant 'o'\\''brien.com'`);
  const entries = gitHelperEntries('!azsess git-credential', ['127.0.0.1:8080', 'git.contoso.com']);
  assert.deepEqual(entries.map((e) => [e.key, e.values]), [
    ['credential.https://dev.azure.com.helper', ['', '!azsess git-credential']],
    ['credential.https://dev.azure.com.useHttpPath', ['true']],
    ['credential.https://*.visualstudio.com.helper', ['', '!azsess git-credential']],
    ['credential.http://127.0.0.1:8080.helper', ['', '!azsess git-credential']],
    ['credential.https://git.contoso.com.helper', ['', '!azsess git-credential']],
  ]);
  assert.deepEqual(gitConfigCommands('local', entries.slice(1, 2)), [
    ['config', '--local', '--unset-all', 'credential.https://dev.azure.com.useHttpPath'],
    ['config', '--local', '--add', 'credential.https://dev.azure.com.useHttpPath', 'true'],
  ]);
});
