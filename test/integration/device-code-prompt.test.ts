import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { idpEnv, readStoredSessions } from '../support/idp-session.js';
import { azsessBin } from '../support/paths.js';
import { findLeaks } from '../support/leak-scan.js';
import { runCommand } from '../support/run-command.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';

/**
 * The device code sign-in as azure-identity's DeviceCodeCredential has it: `--timeout` bounds the
 * wait for the person, and `--prompt-format json` gives wrappers the prompt as data. On a narrow
 * terminal the countdown stays on one line.
 */
const fx = useIdpAndHome({ deviceCodeInterval: 1 });

describe('device code --timeout', () => {
  test('given on the command line, it bounds the wait for the person: exit 4, nothing stored', async () => {
    // The deadline counts from the start: 6 s leaves a loaded machine room for the first poll.
    const r = await runCli(['login', '--protocol', 'device-code', '--timeout', '6'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /The sign-in was not finished within 6 s \(--timeout\)/);
    assert.equal(existsSync(join(fx.tmp.home, 'sessions.json')), false);
    const polls = fx.idp.requests.count({ endpoint: 'token' });
    assert.ok(polls >= 1 && polls <= 7, `${polls} polls in 6 s at a 1 s interval`);
  });
});

describe('device code --prompt-format json', () => {
  for (const args of [['login', '--protocol', 'device-code'], ['token', '--protocol', 'device-code', '--interactive']]) {
    test(`${args[0]}: one JSON line on stderr, instead of the human lines`, async () => {
      let prompt: Record<string, unknown> | undefined;
      let approving: Promise<void> | undefined;
      const r = await runCli([...args, '--prompt-format', 'json'], {
        userHome: fx.tmp.userHome,
        env: idpEnv(fx.idp),
        onSpawn: (child) => {
          let seen = '';
          child.stderr!.on('data', (d: Buffer) => {
            seen += d.toString();
            const line = seen.split('\n').find((l) => l.startsWith('{'));
            if (line && !approving) {
              prompt = JSON.parse(line) as Record<string, unknown>;
              approving = fx.idp.approveDeviceCode(String(prompt.user_code));
            }
          });
        },
      });
      await approving;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(Object.keys(prompt ?? {}).sort(), ['expires_on', 'user_code', 'verification_uri']);
      assert.match(String(prompt!.verification_uri), /^http:\/\/127\.0\.0\.1:\d+\//);
      assert.match(String(prompt!.expires_on), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const minutes = (Date.parse(String(prompt!.expires_on)) - Date.now()) / 60_000;
      assert.ok(minutes > 10 && minutes <= 15, `expires in ${minutes} min`);
      assert.doesNotMatch(r.stderr, /To sign in, open/);
      assert.equal(readStoredSessions(fx.tmp.home).length, 1);
    });
  }

  test('an unknown format is a usage error', async () => {
    const r = await runCli(['token', '--prompt-format', 'yaml'], { userHome: fx.tmp.userHome });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--prompt-format 'yaml' is not valid; use one of text, json/);
  });
});

/**
 * Runs `azsess login` in a pseudo-terminal `columns` wide (util-linux script), approving after
 * `redraws` countdown redraws. In a terminal, azsess's stderr arrives on script's stdout.
 */
async function loginInTerminal(columns: number, redraws: number): Promise<{ code: number | null; output: string }> {
  const command = `stty cols ${columns} rows 20; exec '${process.execPath}' '${azsessBin}' login --protocol device-code`;
  const env = cleanEnv({ userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
  let approving: Promise<void> | undefined;
  const r = await runCommand('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env,
    onSpawn: (child) => {
      let output = '';
      child.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const code = /enter the code\s*(?:\x1b\[[0-9;]*m)*([A-Z0-9-]+)/.exec(output.replace(/\r?\n/g, ' '))?.[1];
        const drawn = output.split('\r').filter((s) => /expires in \d+:\d\d/.test(s)).length;
        if (code && drawn >= redraws && !approving) approving = fx.idp.approveDeviceCode(code);
      });
    },
  });
  await approving;
  assert.deepEqual(findLeaks(r.stdout, env), [], 'the terminal shows no issued secret');
  return { code: r.code, output: r.stdout };
}

describe('device code countdown', () => {
  test('in a narrow terminal every redraw fits on one line', async () => {
    const r = await loginInTerminal(30, 3);
    assert.equal(r.code, 0, r.output);
    const plain = r.output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    const redraws = plain.split(/[\r\n]+/).filter((s) => /expires in \d+:\d\d/.test(s));
    assert.ok(redraws.length >= 3, plain);
    for (const line of redraws) assert.ok(line.length < 30, `a countdown line of ${line.length} characters wraps in 30 columns: '${line}'`);
  });

  test('in a very narrow terminal it falls back to one plain line', async () => {
    const r = await loginInTerminal(12, 0);
    assert.equal(r.code, 0, r.output);
    const plain = r.output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    assert.doesNotMatch(plain, /expires in \d+:\d\d/);
    assert.match(plain, /The code expires in \d+ min/);
  });
});
