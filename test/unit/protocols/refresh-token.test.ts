import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OAuthError } from '../../../src/oauth/token-response.js';
import { signInWithDeviceCode } from '../../../src/protocols/device-code.js';
import { redeemRefreshToken } from '../../../src/protocols/refresh-token.js';
import { decodeJwt, startTestIdp, type TestIdp } from '../../idp/index.js';
import { FakeClock, protocolDeps, userRequest } from '../../support/protocol-deps.js';

/** The refresh grant called in-process against the test IdP, after an in-process device code sign-in. */
const clock = new FakeClock();
let idp: TestIdp;

before(async () => {
  idp = await startTestIdp({ pollingClock: clock.ms });
});
after(() => idp.close());

async function signIn(): Promise<string> {
  let approval: Promise<void> | undefined;
  const { deps } = protocolDeps(clock, { onDeviceCode: (code) => (approval = idp.approveDeviceCode(code)) });
  clock.onSleep = () => approval;
  const request = userRequest(idp);
  const token = await signInWithDeviceCode(request, request.scopeAuth, deps);
  clock.onSleep = undefined;
  assert.ok(token.refreshToken);
  return token.refreshToken;
}

const storage = ['openid', 'offline_access', 'https://storage.azure.com/user_impersonation'];

test('a refresh token gets a token for another resource consented at sign-in, expiring by the injected clock', async () => {
  const refreshToken = await signIn();
  // Two hours on, by the clock the protocol is given: the expiry counts from then.
  clock.advance(2 * 3600 * 1000);
  const { deps } = protocolDeps(clock);
  const at = clock.ms();
  const token = await redeemRefreshToken(userRequest(idp), refreshToken, storage, deps);
  assert.equal(decodeJwt(token.accessToken).aud, 'https://storage.azure.com');
  assert.equal(token.expiresAt.getTime(), at + 3600 * 1000);
  assert.ok(token.refreshToken, 'the refresh token Entra returns, or the one used');
  const last = idp.requests.last({ endpoint: 'token', grantType: 'refresh_token' });
  assert.equal(last?.form?.scope, storage.join(' '));
  assert.equal(last?.form?.client_info, '1');
});

test('a claims challenge goes with the refresh request', async () => {
  const refreshToken = await signIn();
  const { deps } = protocolDeps(clock);
  const claims = JSON.stringify({ access_token: { nbf: { essential: true, value: '1700000000' } } });
  await redeemRefreshToken(userRequest(idp), refreshToken, storage, deps, { claims });
  assert.equal(idp.requests.last({ endpoint: 'token', grantType: 'refresh_token' })?.form?.claims, claims);
});

test('a revoked refresh token is refused as dead (the engine drops it), with Entra’s code', async () => {
  const refreshToken = await signIn();
  idp.revokeRefreshTokens();
  const { deps } = protocolDeps(clock);
  await assert.rejects(redeemRefreshToken(userRequest(idp), refreshToken, storage, deps), (err: unknown) => {
    assert.ok(err instanceof OAuthError);
    assert.equal(err.refreshTokenIsDead, true);
    assert.equal(err.refusal, 'dead');
    assert.ok(err.entra.codes.includes(50173));
    assert.match(err.message, /^Entra ID refused the refresh token/);
    return true;
  });
});

test('a resource not consented at sign-in is refused for that resource only; the refresh token lives', async () => {
  const refreshToken = await signIn();
  const { deps } = protocolDeps(clock);
  await assert.rejects(redeemRefreshToken(userRequest(idp), refreshToken, ['openid', 'offline_access', 'https://vault.azure.net/user_impersonation'], deps), (err: unknown) => {
    assert.ok(err instanceof OAuthError);
    assert.equal(err.refreshTokenIsDead, false);
    assert.ok(err.entra.codes.includes(65001));
    return true;
  });
  const token = await redeemRefreshToken(userRequest(idp), refreshToken, storage, deps);
  assert.equal(decodeJwt(token.accessToken).aud, 'https://storage.azure.com');
});
