import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TEST_USER2_PASSWORD, TEST_USER2_USERNAME } from '../idp/index.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { fixturesDir } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome } from '../support/tmp-home.js';

/**
 * A home AzSessions.jl wrote (its entries carry no `account`) refreshed by azsess: the refreshed
 * copy, which names its account, replaces the entry it came from, and never another person's.
 */
const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const ALICE = 'alice@azsess-test.onmicrosoft.com';
const BOB = { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD };

const run = (args: string[]) => runCli(args, { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });

/** A refresh token of `who` at the test IdP, from a sign-in in a scratch home. */
async function refreshTokenOf(who: { username?: string; password?: string } = {}): Promise<string> {
  const scratch = makeTmpHome();
  try {
    const login = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: scratch.userHome, env: idpEnv(fx.idp) }, who);
    assert.equal(login.code, 0, login.stderr);
    return readStoredSessions(scratch.home)[0]!.refreshToken;
  } finally {
    scratch.cleanup();
  }
}

/**
 * The fixture sessions.json as AzSessions.jl wrote it, its device code entry pointed at the test
 * IdP (client, tenant, authority) with a live refresh token; its tokens stay the fixture's, whose
 * claims name nobody, and it has expired.
 */
function seedFixtureHome(refreshToken: string, extra: Array<Record<string, unknown>> = []): string[] {
  const entries = (JSON.parse(readFileSync(join(fixturesDir, 'sessions.json'), 'utf8')) as { sessions: string[] }).sessions;
  const device = JSON.parse(entries[0]!) as Record<string, unknown>;
  assert.equal(device.protocol, 'AzDeviceCodeFlowCredentials');
  assert.equal(device.account, undefined, 'AzSessions.jl writes no account');
  Object.assign(device, { client_id: fx.idp.publicClientId, tenant: fx.idp.tenantId, authority: fx.idp.url, refresh_token: refreshToken });
  const others = entries.slice(1);
  mkdirSync(fx.tmp.home, { recursive: true, mode: 0o700 });
  const sessions = [JSON.stringify(device), ...extra.map((e) => JSON.stringify(e)), ...others];
  writeFileSync(join(fx.tmp.home, 'sessions.json'), JSON.stringify({ sessions }), { mode: 0o600 });
  return others;
}

const deviceSessions = () => readStoredSessions(fx.tmp.home).filter((s) => s.protocol === 'AzDeviceCodeFlowCredentials');

describe('an AzSessions.jl home refreshed by azsess', () => {
  test('the refreshed session replaces the account-less entry it came from; the other entries stay', async () => {
    seedFixtureHome(await refreshTokenOf());
    const token = await run(['token', '--protocol', 'device-code']);
    assert.equal(token.code, 0, token.stderr);
    const sessions = deviceSessions();
    assert.deepEqual(sessions.map((s) => s.account), [ALICE], 'one session, naming its account');
    assert.notEqual(sessions[0]!.token, 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.');
    assert.deepEqual(readStoredSessions(fx.tmp.home).map((s) => s.protocol).sort(), ['AzAuthCodeFlowCredentials', 'AzClientCredentials', 'AzDeviceCodeFlowCredentials', 'AzVMCredentials']);
  });

  test("an account-less entry whose tokens name another person stays beside the refreshed one", async () => {
    // Bob's session as AzSessions.jl would have written it: no account key, his tokens' claims name him.
    const scratch = makeTmpHome();
    const login = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: scratch.userHome, env: idpEnv(fx.idp) }, BOB);
    assert.equal(login.code, 0, login.stderr);
    const bobEntry = (JSON.parse(readFileSync(join(scratch.home, 'sessions.json'), 'utf8')) as { sessions: string[] }).sessions.map((e) => JSON.parse(e) as Record<string, unknown>)[0]!;
    scratch.cleanup();
    delete bobEntry.account;
    delete bobEntry.account_oid;
    delete bobEntry.signed_in;
    bobEntry.expiry = '2026-01-01T00:00:00';
    seedFixtureHome(await refreshTokenOf(), [bobEntry]);

    // The newest entry (first) is the default account's: Alice's, though nothing names her yet.
    const token = await run(['token', '--protocol', 'device-code']);
    assert.equal(token.code, 0, token.stderr);
    assert.deepEqual(deviceSessions().map((s) => s.account).sort(), [ALICE, BOB.username].sort(), "Bob's entry is kept, Alice's old one replaced");
  });
});
