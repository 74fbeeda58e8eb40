import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt, entraErrorBody, startTestIdp, type TestIdp } from '../idp/index.js';
import { idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

let idp: TestIdp;
let tmp: TmpHome;
/** sessions.json after one device code sign-in, copied into each test's home (sign-ins take seconds). */
let signedIn: string;

before(async () => {
  idp = await startTestIdp({ deviceCodeInterval: 1 });
  const first = makeTmpHome();
  const r = await withDeviceCodeApproval(idp, ['login', '--protocol', 'device-code'], { userHome: first.userHome, env: idpEnv(idp) });
  assert.equal(r.code, 0, r.stderr);
  signedIn = readFileSync(join(first.home, 'sessions.json'), 'utf8');
  first.cleanup();
});
after(() => idp.close());
beforeEach(() => {
  tmp = makeTmpHome();
  idp.requests.reset();
  idp.faults.clear();
});
afterEach(() => tmp.cleanup());

const acrs = (value: string) => JSON.stringify({ access_token: { acrs: { essential: true, value } } });
const cp1 = { xms_cc: { values: ['cp1'] } };
const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { userHome: tmp.userHome, env: idpEnv(idp, env) });

/** A home with a device code session (a token and a refresh token); returns its token. */
function login(): string {
  mkdirSync(tmp.home, { mode: 0o700 });
  writeFileSync(join(tmp.home, 'sessions.json'), signedIn, { mode: 0o600 });
  return readStoredSessions(tmp.home)[0]!.token;
}

describe('claims challenges and CAE', () => {
  test('a claims challenge (base64, as a resource sends it) skips the cache, goes to the refresh grant, and its token is cached', async () => {
    const before = login();
    // Standard base64 without padding, as in a WWW-Authenticate claims="…" value.
    const challenge = Buffer.from(acrs('c1')).toString('base64').replace(/=+$/, '');
    const r = await run(['token', '--claims', challenge, '--no-interactive']);
    assert.equal(r.code, 0, r.stderr);
    const fresh = r.stdout.trim();
    assert.notEqual(fresh, before);
    assert.deepEqual(decodeJwt(fresh).acrs, ['c1'], 'the IdP honoured the claims');
    const refresh = idp.requests.last({ endpoint: 'token' })!;
    assert.equal(refresh.grantType, 'refresh_token');
    assert.equal(refresh.form!.claims, acrs('c1'));
    assert.equal(readStoredSessions(tmp.home).length, 1, 'the new token replaced the refused one');
    idp.requests.reset();
    assert.equal((await run(['token'])).stdout.trim(), fresh);
    assert.equal(idp.requests.count(), 0);
  });

  test('interaction_required on that refresh leads to a sign-in carrying the claims Entra sent back', async () => {
    login();
    const refusal = () => idp.faults.add('token', {
      status: 400,
      body: { ...entraErrorBody({ error: 'interaction_required', code: 50076, description: 'Due to a configuration change made by your administrator, you must use multi-factor authentication.' }), claims: acrs('c2') },
    }, { times: 1 });
    refusal();
    const r = await withDeviceCodeApproval(idp, ['token', '--claims', acrs('c1'), '--interactive'], { userHome: tmp.userHome, env: idpEnv(idp) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 1, 'the refresh grant first');
    assert.equal(idp.requests.last({ endpoint: 'devicecode' })!.form!.claims, acrs('c2'));
    assert.deepEqual(decodeJwt(r.stdout.trim()).acrs, ['c2'], 'the polls carry the claims too');

    refusal();
    const blocked = await run(['token', '--claims', acrs('c1'), '--no-interactive']);
    assert.equal(blocked.code, 3, blocked.stderr);
    assert.ok(blocked.stderr.includes(`--claims '${acrs('c2')}'`), 'the login command to run asks for the claims');
  });

  test('--cae declares cp1 on every request; CAE tokens are long-lived and cached apart from the others', async () => {
    const plain = login();
    const cae = await run(['token', '--cae']);
    assert.equal(cae.code, 0, cae.stderr);
    const refresh = idp.requests.last({ endpoint: 'token' })!;
    assert.deepEqual(JSON.parse(refresh.form!.claims!), { access_token: cp1 });
    const sessions = readStoredSessions(tmp.home);
    assert.equal(sessions.length, 2);
    assert.deepEqual(sessions[0]!.options, { cae: '1' });
    assert.ok(sessions[0]!.expiry.getTime() > Date.now() + 20 * 3600_000, 'the IdP gave a CAE token');
    idp.requests.reset();
    assert.equal((await run(['token'])).stdout.trim(), plain, 'the plain session still answers plain requests');
    assert.equal((await run(['token', '--cae'])).stdout, cae.stdout);
    assert.equal(idp.requests.count(), 0);

    const app = await runCli(['token', '--protocol', 'client-credentials', '--cae', '--claims', acrs('c1')], {
      userHome: tmp.userHome,
      env: idpEnv(idp, { AZURE_CLIENT_ID: idp.confidentialClientId, AZURE_CLIENT_SECRET: idp.clientSecret }),
    });
    assert.equal(app.code, 0, app.stderr);
    assert.deepEqual(JSON.parse(idp.requests.last({ endpoint: 'token' })!.form!.claims!), { access_token: { acrs: { essential: true, value: 'c1' }, ...cp1 } });
  });

  test('claims that are not JSON, or --cae with managed identity, are exit 2', async () => {
    assert.equal((await run(['token', '--claims', 'not json'])).code, 2);
    assert.equal((await run(['token', '--protocol', 'vm', '--cae'])).code, 2);
  });
});
