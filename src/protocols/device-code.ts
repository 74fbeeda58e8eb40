import { AuthenticationError, ServiceError } from '../domain/errors.js';
import { entraEndpoints } from '../oauth/endpoints.js';
import { entraError, jsonBody, numeric, oauthError, parseTokenResponse } from '../oauth/token-response.js';
import type { AppTarget, Grant, ProtocolDeps, TokenResult } from './types.js';

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  expiresAt: Date;
  intervalSeconds: number;
  message?: string;
}

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

async function requestDeviceCode(url: string, target: AppTarget, scope: readonly string[], deps: ProtocolDeps, claims?: string): Promise<DeviceCode> {
  const start = deps.now();
  const res = await deps.http.send({
    method: 'POST',
    url,
    purpose: 'the device code endpoint',
    entra: true,
    form: { client_id: target.clientId, scope: scope.join(' '), ...(claims ? { claims } : {}) },
  });
  const host = new URL(url).host;
  const body = jsonBody(res, 'the device code endpoint', host);
  const entra = entraError(body);
  if (entra || res.status >= 400) {
    throw oauthError(entra ?? { error: `http_${res.status}`, description: '', codes: [] }, res, 'Entra ID refused to start a device code sign-in', 'check the client id, tenant and scopes with azsess status; the app must allow public client flows');
  }
  const deviceCode = body.device_code;
  const userCode = body.user_code;
  // v1 endpoints said verification_url (entra-protocol.md 2.2).
  const verificationUri = body.verification_uri ?? body.verification_url;
  if (typeof deviceCode !== 'string' || typeof userCode !== 'string' || typeof verificationUri !== 'string') {
    throw new ServiceError(`the device code endpoint at ${host} answered without a device code, user code or verification URI (client-request-id ${res.clientRequestId}).`);
  }
  const expiresIn = numeric(body.expires_in) ?? 900;
  const code: DeviceCode = {
    deviceCode,
    userCode,
    verificationUri,
    expiresAt: new Date(start.getTime() + expiresIn * 1000),
    intervalSeconds: Math.max(1, numeric(body.interval) ?? 5),
  };
  if (typeof body.message === 'string') code.message = body.message;
  return code;
}

const terminal: Record<string, string> = {
  authorization_declined: 'The sign-in was declined; run the command again and accept the request to sign in',
  access_denied: 'The sign-in was declined; run the command again and accept the request to sign in',
  expired_token: 'The device code expired before the sign-in was completed; run the command again and sign in before the code expires',
  bad_verification_code: 'Entra ID did not recognise the device code; run the command again',
};

/** `--timeout` ran out before the person finished (azure-identity's DeviceCodeCredential `timeout`). */
function notFinishedInTime(waitMs: number): AuthenticationError {
  return new AuthenticationError(
    `The sign-in was not finished within ${Math.round(waitMs / 1000)} s (--timeout), so nothing was saved; run the command again and sign in sooner, or raise --timeout.`,
    { error: 'timeout' },
  );
}

/** One poll of the token endpoint for the device code's token. */
function poll(http: ProtocolDeps['http'], url: string, target: AppTarget, code: DeviceCode, claims: string | undefined) {
  return http.send({
    method: 'POST',
    url,
    purpose: 'the token endpoint',
    entra: true,
    form: {
      grant_type: deviceGrant,
      client_id: target.clientId,
      device_code: code.deviceCode,
      client_info: '1',
      // MSAL sends the claims with the polls too; a claims challenge shapes the token they return.
      ...(claims ? { claims } : {}),
    },
  });
}

/**
 * Signs a person in with the device code flow (RFC 8628; entra-protocol.md 2): shows the code,
 * polls no faster than `interval`, adds 5 s on slow_down (RFC 8628 §3.5), stops when the code expires.
 */
export async function signInWithDeviceCode(
  target: AppTarget,
  scope: readonly string[],
  deps: ProtocolDeps,
  extra: { claims?: string } = {},
): Promise<TokenResult> {
  const urls = entraEndpoints(target.authority, target.tenant);
  const code = await requestDeviceCode(urls.devicecode, target, scope, deps, extra.claims);
  deps.prompt.showDeviceCode({ verificationUri: code.verificationUri, userCode: code.userCode, expiresAt: code.expiresAt, ...(code.message ? { message: code.message } : {}) });
  // The person has until the code expires, or as long as --timeout says when it was given
  // (signInWaitMs). Polls are retried until then, and a margin lets the last poll be heard
  // (expired_token, or the token of a sign-in finished just in time).
  const waitUntil = deps.signInWaitMs === undefined ? Infinity : deps.now().getTime() + deps.signInWaitMs;
  const timeIsUp = () => {
    if (deps.now().getTime() < Math.min(waitUntil, code.expiresAt.getTime())) return;
    if (waitUntil < code.expiresAt.getTime()) throw notFinishedInTime(deps.signInWaitMs!);
    throw new AuthenticationError(`${terminal.expired_token} (expired_token).`, { error: 'expired_token' });
  };
  const http = deps.senderUntil(Math.min(code.expiresAt.getTime() + 15_000, waitUntil + 5_000));
  let interval = code.intervalSeconds;
  try {
    for (;;) {
      timeIsUp();
      const left = Math.min(code.expiresAt.getTime(), waitUntil) - deps.now().getTime();
      // No check after the sleep: the last poll is heard, so a sign-in finished in its last
      // interval still counts (timeIsUp ends the loop after it).
      await deps.sleep(Math.min(interval * 1000, left));
      deps.prompt.tick(code.expiresAt);
      const requestStart = deps.now();
      const res = await poll(http, urls.token, target, code, extra.claims);
      const host = new URL(urls.token).host;
      const entra = res.status >= 400 ? entraError(jsonBody(res, 'the token endpoint', host)) : undefined;
      if (entra?.error === 'authorization_pending') continue;
      if (entra?.error === 'slow_down') {
        interval += 5;
        deps.log.verbose(`The identity provider asked to poll more slowly; now every ${interval} s.`);
        continue;
      }
      if (entra && terminal[entra.error]) {
        throw new AuthenticationError(`${terminal[entra.error]} (${entra.error}${entra.codes.length ? `, AADSTS${entra.codes[0]}` : ''}).`, {
          error: entra.error,
          errorCodes: entra.codes,
        });
      }
      return parseTokenResponse(res, { purpose: 'the token endpoint', host, what: 'Entra ID refused the device code sign-in', hint: 'run the command again', requestStart });
    }
  } finally {
    deps.prompt.done();
  }
}

/** The registry's grant: a person signs in, consenting to `scopeAuth`. */
export const grant: Grant = {
  acquire: (request, deps) => signInWithDeviceCode(request, request.scopeAuth, deps, { claims: request.claims }),
};
