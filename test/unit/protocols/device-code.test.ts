import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuthenticationError } from '../../../src/domain/errors.js';
import { signInWithDeviceCode } from '../../../src/protocols/device-code.js';
import { loadGrant } from '../../../src/protocols/registry.js';
import { decodeJwt, startTestIdp, type TestIdp } from '../../idp/index.js';
import { FakeClock, protocolDeps, userRequest } from '../../support/protocol-deps.js';

/**
 * The device code flow called in-process against the test IdP, with a fake clock shared by the
 * client and the IdP's pacing: Entra's 5 s interval, slow_down and the code's 15 minutes are
 * tested without waiting for them.
 */
const clock = new FakeClock();
let idp: TestIdp;
/** The same flow, but the IdP paces polls by the real clock: every poll comes too early. */
let impatientIdp: TestIdp;

before(async () => {
  idp = await startTestIdp({ pollingClock: clock.ms });
  impatientIdp = await startTestIdp();
});
after(async () => {
  await idp.close();
  await impatientIdp.close();
});

const polls = (server: TestIdp) => server.requests.filter({ endpoint: 'token', grantType: 'urn:ietf:params:oauth:grant-type:device_code' });

test("the registry's device-code grant signs a person in: one poll, Entra's interval after the code, the token's expiry by the injected clock", async () => {
  idp.requests.reset();
  clock.sleeps.length = 0;
  let approval: Promise<void> | undefined;
  const { deps, seen } = protocolDeps(clock, { onDeviceCode: (code) => (approval = idp.approveDeviceCode(code)) });
  clock.onSleep = () => approval;
  const grant = await loadGrant('AzDeviceCodeFlowCredentials');
  const started = clock.ms();
  const token = await grant.acquire(userRequest(idp), deps);
  assert.deepEqual(clock.sleeps, [5000], 'one wait of the interval Entra gave');
  assert.equal(polls(idp).length, 1);
  assert.equal(polls(idp)[0]!.status, 200);
  assert.equal(decodeJwt(token.accessToken).aud, 'https://management.azure.com');
  assert.ok(token.refreshToken, 'a person keeps a refresh token');
  // Requested at the fake time of the poll (5 s after the start), for Entra's hour.
  assert.equal(token.expiresAt.getTime(), started + 5000 + 3600 * 1000);
  assert.equal(seen.userCodes.length, 1);
  assert.equal(seen.ticks, 1);
  assert.equal(seen.done, 1, 'the prompt is closed');
});

test('polls wait the interval while the sign-in is pending; the one after the approval gets the token', async () => {
  idp.requests.reset();
  clock.sleeps.length = 0;
  let userCode = '';
  const { deps } = protocolDeps(clock, { onDeviceCode: (code) => (userCode = code) });
  // The person approves during the third wait.
  clock.onSleep = (n) => (n === 3 ? idp.approveDeviceCode(userCode) : undefined);
  const token = await signInWithDeviceCode(userRequest(idp), userRequest(idp).scopeAuth, deps);
  assert.ok(token.accessToken);
  assert.deepEqual(clock.sleeps, [5000, 5000, 5000]);
  assert.deepEqual(polls(idp).map((p) => p.status), [400, 400, 200], 'authorization_pending twice, then the token');
});

test('slow_down adds 5 s to the interval each time, and the code ends at its expiry by the injected clock: expired_token', async () => {
  clock.sleeps.length = 0;
  clock.onSleep = undefined;
  const { deps, seen } = protocolDeps(clock);
  const started = clock.ms();
  await assert.rejects(signInWithDeviceCode(userRequest(impatientIdp), ['openid', 'offline_access', 'https://management.azure.com/user_impersonation'], deps), (err: unknown) => {
    assert.ok(err instanceof AuthenticationError);
    assert.equal(err.details.error, 'expired_token');
    assert.match(err.message, /The device code expired before the sign-in was completed/);
    return true;
  });
  // Each poll came at once by the real clock the IdP reads, so each got slow_down.
  assert.deepEqual(clock.sleeps.slice(0, 4), [5000, 10000, 15000, 20000]);
  assert.ok(polls(impatientIdp).every((p) => p.status === 400));
  assert.equal(polls(impatientIdp).length, clock.sleeps.length, 'one poll after each wait, the last one too');
  assert.ok(seen.verbose.includes('The identity provider asked to poll more slowly; now every 10 s.'));
  // The waits end at the code's 900 s: the last one is shortened to fit.
  assert.equal(clock.ms() - started, 900 * 1000);
  assert.equal(seen.done, 1);
});

test('--timeout (signInWaitMs) ends the wait before the code expires: nothing signed in, the wait named', async () => {
  clock.sleeps.length = 0;
  clock.onSleep = undefined;
  const { deps } = protocolDeps(clock, { signInWaitMs: 12_000 });
  await assert.rejects(signInWithDeviceCode(userRequest(idp), userRequest(idp).scopeAuth, deps), (err: unknown) => {
    assert.ok(err instanceof AuthenticationError);
    assert.equal(err.details.error, 'timeout');
    assert.match(err.message, /not finished within 12 s \(--timeout\)/);
    return true;
  });
  assert.deepEqual(clock.sleeps, [5000, 5000, 2000], 'the last wait ends at the deadline');
});

test('a declined sign-in ends the flow at the next poll: authorization_declined', async () => {
  clock.sleeps.length = 0;
  let approval: Promise<void> | undefined;
  const { deps } = protocolDeps(clock, { onDeviceCode: (code) => (approval = idp.approveDeviceCode(code, { decline: true })) });
  clock.onSleep = () => approval;
  await assert.rejects(signInWithDeviceCode(userRequest(idp), userRequest(idp).scopeAuth, deps), (err: unknown) => {
    assert.ok(err instanceof AuthenticationError);
    assert.equal(err.details.error, 'authorization_declined');
    assert.match(err.message, /The sign-in was declined/);
    return true;
  });
  assert.deepEqual(clock.sleeps, [5000]);
});
