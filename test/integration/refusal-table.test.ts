import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { refusalRows, exitWithoutTerminal } from '../../src/oauth/refusal-table.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';

/**
 * Issue 19 item 5: every code of docs/exit-codes.md's refusal table (src/oauth/refusal-table.ts),
 * refused by test/idp on a refresh, gives the row's exit code, keeps or drops the refresh token as
 * the row says, and names the login command where a sign-in fixes it.
 */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const VAULT = 'https://vault.azure.net/.default';
const env = () => idpEnv(fx.idp, { AZURE_CLIENT_ID: fx.idp.azureCliClientId });

describe("each code of the refusal table, through test/idp", () => {
  test('exit code, refresh token and message as the table says', async () => {
    const signedIn = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: env() });
    assert.equal(signedIn.code, 0, signedIn.stderr);
    const file = join(fx.tmp.home, 'sessions.json');
    const good = readFileSync(file);
    const [session] = readStoredSessions(fx.tmp.home);
    const cases = refusalRows.flatMap((row) => row.codes.map((code) => ({ row, code, error: undefined as string | undefined })));
    // The issue's case: AADSTS50020 sent with error=invalid_request is still "not a member": exit 3.
    cases.push({ row: refusalRows.find((r) => r.codes.includes(50020))!, code: 50020, error: 'invalid_request' });
    for (const { row, code, error } of cases) {
      writeFileSync(file, good);
      fx.idp.clearRefusals();
      fx.idp.resetLoopDetection(); // the same refresh, asked again and again, is what loop detection counts
      fx.idp.refuseRefresh({ resource: 'https://vault.azure.net', code, ...(error ? { error } : {}) });
      const r = await runCli(['token', '--scope', VAULT, '--no-interactive'], { userHome: fx.tmp.userHome, env: env() });
      const what = `AADSTS${code}${error ? ` (${error})` : ''}: ${r.stderr}`;
      assert.equal(r.code, exitWithoutTerminal(row), what);
      assert.match(r.stderr, new RegExp(`AADSTS${code}`), what);
      if (exitWithoutTerminal(row) === 3) assert.match(r.stderr, /run: azsess login /, what);
      else assert.doesNotMatch(r.stderr, /run: azsess login /, what);
      const kept = readStoredSessions(fx.tmp.home)[0]!.refreshToken;
      assert.equal(kept === session!.refreshToken, row.kind !== 'dead', `${what}: the refresh token is ${row.kind === 'dead' ? 'dropped' : 'kept'}`);
    }
  });
});
