import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { silentLog } from '../../src/domain/log.js';
import { readSessions } from '../../src/store/sessions.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome } from '../support/tmp-home.js';

/**
 * Whatever a crash, another tool or a person left in the files of the home, azsess either reads
 * it or moves it aside intact: nothing a user stored is lost.
 */
const content = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.json(),
  fc.constantFrom('{"sessions":["{\\"protocol\\":\\"AzVMCredentials\\"}"]}', '{"sessions":[1]}', '{"sessions":{}}', '', '{"azsess":[]}', '{"sessions":[],"azsess":{"sessions":[{"protocol":"AzFederatedCredentials"}]}}'),
);

test('sessions.json: read as it is, or moved aside byte for byte with a warning', async () => {
  const base = mkdtempSync(join(tmpdir(), 'azsess-fuzz-store-'));
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(content, async (text) => {
        const home = join(base, String(n++));
        mkdirSync(home, { recursive: true, mode: 0o700 });
        writeFileSync(join(home, 'sessions.json'), text, { encoding: 'latin1', mode: 0o600 });
        const warnings: string[] = [];
        await readSessions(home, { deadline: Date.now() + 5000, log: { ...silentLog, warn: (m) => warnings.push(m) } });
        const aside = readdirSync(home).filter((f) => f.startsWith('sessions.json.corrupt-'));
        if (aside.length === 0) {
          assert.equal(readFileSync(join(home, 'sessions.json'), 'latin1'), text, 'a readable file is left as it was');
          // Entries it cannot read among readable ones are kept as found, with one warning.
          assert.ok(warnings.length <= 1, warnings.join('\n'));
        } else {
          assert.equal(aside.length, 1);
          assert.equal(readFileSync(join(home, aside[0]!), 'latin1'), text, 'moved aside intact');
          assert.equal(warnings.length, 1);
        }
      }),
      { numRuns: 400 },
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the CLI with any manifest and session cache: exit 0 or 6, one sentence, nothing lost', async () => {
  await fc.assert(
    fc.asyncProperty(content, content, async (manifest, sessions) => {
      const tmp = makeTmpHome();
      try {
        mkdirSync(tmp.home, { mode: 0o700 });
        writeFileSync(join(tmp.home, 'manifest.json'), manifest, { encoding: 'latin1', mode: 0o600 });
        writeFileSync(join(tmp.home, 'sessions.json'), sessions, { encoding: 'latin1', mode: 0o600 });
        const r = await runCli(['status', '--output', 'json'], { userHome: tmp.userHome, timeoutMs: 20_000 });
        assert.ok(r.code === 0 || r.code === 6, `exit ${r.code}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        if (r.code === 6) assert.match(r.stderr, /^azsess: error: The manifest .* is invalid: .*\n$/);
        else JSON.parse(r.stdout);
        assert.equal(readFileSync(join(tmp.home, 'manifest.json'), 'latin1'), manifest, 'the manifest is never rewritten');
        const files = readdirSync(tmp.home);
        const kept = files.includes('sessions.json') ? readFileSync(join(tmp.home, 'sessions.json'), 'latin1') : '';
        const aside = files.filter((f) => f.startsWith('sessions.json.corrupt-')).map((f) => readFileSync(join(tmp.home, f), 'latin1'));
        if (r.code === 0) assert.ok(kept === sessions || aside.includes(sessions), 'the session cache is kept or moved aside');
      } finally {
        tmp.cleanup();
      }
    }),
    { numRuns: 40 },
  );
});
