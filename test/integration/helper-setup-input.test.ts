import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { requires } from '../support/requires.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

/**
 * What `setup` writes into git's and kubectl's configuration, read back from the files the real
 * git and kubectl wrote, and which hosts the git helper may be told to answer for.
 */

let tmp: TmpHome;
beforeEach(() => {
  tmp = makeTmpHome();
});
afterEach(() => tmp.cleanup());

const request = 'protocol=https\nhost=github.com\n\n';

describe('--allow-host', () => {
  test('a wildcard over a public suffix is refused, exit 2 (fast parser, commander and setup git)', async () => {
    for (const pattern of ['*.com', '*.co.uk', '*.github.io', '*.CO.UK:443']) {
      for (const extra of [[], ['--verbose']]) {
        const r = await runCli(['git-credential', 'get', '--allow-host', pattern, ...extra], { userHome: tmp.userHome, input: request });
        assert.equal(r.code, 2, `${pattern} ${extra.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /--allow-host '.*' covers every host under the public suffix/);
      }
    }
    const setup = await runCli(['setup', 'git', '--allow-host', '*.co.uk'], { userHome: tmp.userHome });
    assert.equal(setup.code, 2, setup.stderr);
    assert.match(setup.stderr, /public suffix co\.uk/);
  });

  test('a wildcard under a registered domain is accepted', async () => {
    for (const pattern of ['*.contoso.com', '*.contoso.co.uk', 'git.contoso.com:8443']) {
      const r = await runCli(['git-credential', 'store', '--allow-host', pattern], { userHome: tmp.userHome, input: request });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''], pattern);
    }
  });
});

describe('setup writes an absolute --home', () => {
  test('setup git', { skip: requires('git') }, async () => {
    const r = await runCli(['setup', 'git', '--home', 'relative-home'], { userHome: tmp.userHome, cwd: tmp.userHome });
    assert.equal(r.code, 0, r.stderr);
    const config = readFileSync(join(tmp.userHome, '.gitconfig'), 'utf8');
    assert.ok(config.includes(`--home ${join(tmp.userHome, 'relative-home')}`), config);
    assert.doesNotMatch(config, /--home relative-home/);
  });

  test('setup kubectl', { skip: requires('kubectl') }, async () => {
    const kubeconfig = join(tmp.userHome, 'kubeconfig');
    mkdirSync(tmp.userHome, { recursive: true });
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters:\n- {name: c, cluster: {server: "https://127.0.0.1:9"}}\n' +
        'contexts:\n- {name: ctx, context: {cluster: c, user: nobody}}\ncurrent-context: ctx\nusers:\n- {name: nobody, user: {}}\n',
    );
    const r = await runCli(['setup', 'kubectl', '--home', 'relative-home'], { userHome: tmp.userHome, cwd: tmp.userHome, env: { KUBECONFIG: kubeconfig } });
    assert.equal(r.code, 0, r.stderr);
    const config = readFileSync(kubeconfig, 'utf8');
    assert.ok(config.includes(join(tmp.userHome, 'relative-home')), config);
    assert.doesNotMatch(config, /- relative-home/);
  });
});
