import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';
import { requires } from '../support/requires.js';

/**
 * `azsess completion bash|zsh|fish`, loaded into the real shells. bash and fish complete for real
 * (`_azsess` with COMP_WORDS; fish's `complete -C`); zsh runs the script with the completion
 * system's `_describe`, `compadd` and `_files` replaced by functions that print their candidates,
 * because zsh completes only at an interactive prompt.
 */

let tmp: TmpHome;
const scripts: Record<string, string> = {};
const protocols = 'device-code auth-code client-credentials vm managed-identity federated workload-identity';

before(async () => {
  tmp = makeTmpHome();
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runCli(['completion', shell], { userHome: tmp.userHome });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    scripts[shell] = join(tmp.userHome, `azsess.${shell}`);
    writeFileSync(scripts[shell]!, r.stdout);
  }
});
after(() => tmp.cleanup());

const shellEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp.userHome, LANG: 'C.UTF-8' });

describe('shell completion', () => {
  test('bash completes commands, nested commands, flags, protocol names, choices and --flag=value', async () => {
    const cases: Array<[string[], string]> = [
      [['azsess', ''], 'token login status write-manifest clear-cache scrub git-credential setup import serve completion'],
      [['azsess', 'se'], 'setup serve'],
      [['azsess', 'serve', '--al'], '--allow-resource'],
      [['azsess', 'setup', ''], 'git docker kubectl az'],
      [['azsess', '--home', '/x', 'setup', 'k'], 'kubectl'],
      [['azsess', 'setup', 'docker', '--'], '--registry --home --verbose --help'],
      [['azsess', 'token', '--prot'], '--protocol'],
      [['azsess', 'token', '--protocol', ''], protocols],
      [['azsess', 'token', '--tenant', 'setup', '--outp'], '--output'],
      [['azsess', 'token', '--output', '=', 'e'], 'exec-credential'],
      [['azsess', 'git-credential', ''], 'get store erase'],
      [['azsess', 'import', ''], 'az'],
      [['azsess', 'completion', ''], 'bash zsh fish'],
    ];
    const lines = cases.map(([words]) => `t ${words.map((w) => `'${w}'`).join(' ')}`);
    const program = `source '${scripts.bash}'
t() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _azsess; echo "\${COMPREPLY[*]}"; }
${lines.join('\n')}
complete -p azsess docker-credential-azsess`;
    const r = await runCommand('bash', ['--norc', '-c', program], { env: shellEnv() });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.split('\n');
    cases.forEach(([words, expected], i) => assert.equal(out[i], expected, words.join(' ')));
    assert.match(r.stdout, /complete -F _azsess azsess\ncomplete -W 'get store erase list version' docker-credential-azsess/);
  });

  test('fish completes with descriptions', { skip: requires('fish') }, async () => {
    const ask = (line: string) => `echo '#' ${JSON.stringify(line)}; complete -C ${JSON.stringify(line)}`;
    const program = [`source '${scripts.fish}'`, ask('azsess '), ask('azsess setup '), ask('azsess token --protocol '), ask('azsess status --out'), ask('docker-credential-azsess ')].join('; ');
    const r = await runCommand('fish', ['--no-config', '-c', program], { env: shellEnv() });
    assert.equal(r.code, 0, r.stderr);
    const blocks = r.stdout.split(/^# .*\n/m).slice(1).map((b) => b.trim().split('\n'));
    assert.ok(blocks[0]!.includes('token\tprint an access token on stdout: from the cache, else refreshed, else after a sign-in'), blocks[0]!.join('\n'));
    assert.deepEqual(blocks[1]!.map((l) => l.split('\t')[0]), ['az', 'docker', 'git', 'kubectl']);
    assert.deepEqual(blocks[2], protocols.split(' ').sort());
    assert.deepEqual(blocks[3]!.map((l) => l.split('\t')[0]), ['--output']);
    assert.deepEqual(blocks[4], ['erase', 'get', 'list', 'store', 'version']);
  });

  test('zsh: the script parses, registers with compdef, and offers the right candidates', { skip: requires('zsh') }, async () => {
    const program = `
_describe() { local name=\${@[-1]}; print -r -- "\${(j:|:)\${(P)name}}"; }
compadd() { [[ $1 == -- ]] && shift; print -r -- "\${(j:|:)@}"; }
_files() { print -r -- "files $*"; }
compdef() { print -r -- "compdef $*"; }
source '${scripts.zsh}'
t() { words=("$@"); CURRENT=\${#words}; _azsess; }
t azsess ''
t azsess setup ''
t azsess token --protocol ''
t azsess --home ''
t docker-credential-azsess ''`;
    const r = await runCommand('zsh', ['-f', '-c', program], { env: shellEnv() });
    assert.equal(r.code, 0, r.stderr);
    const [registered, top, setup, protocolNames, home, docker] = r.stdout.trim().split('\n');
    assert.equal(registered, 'compdef _azsess azsess docker-credential-azsess');
    assert.match(top!, /^token:print an access token[^|]*\|login:/);
    assert.deepEqual(setup!.split('|').map((w) => w.split(':')[0]), ['git', 'docker', 'kubectl', 'az']);
    assert.equal(protocolNames, protocols.split(' ').join('|'));
    assert.equal(home, 'files -/');
    assert.equal(docker, 'get|store|erase|list|version');
  });
});
