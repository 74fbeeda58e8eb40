import { AuthenticationError, ConfigError } from '../domain/errors.js';
import { defaultRedirectUri } from '../domain/session.js';
import { isGuid } from '../domain/tenant.js';
import { rememberSecret } from '../domain/redact.js';
import { scopesOfFirstResource } from '../domain/resource-id.js';
import { entraEndpoints } from '../oauth/endpoints.js';
import { listenForRedirect, type RedirectAnswer } from '../oauth/loopback-listener.js';
import { createPkcePair, randomState } from '../oauth/pkce.js';
import { checkRedirectUri } from '../oauth/redirect-uri.js';
import { requestToken } from './token-endpoint.js';
import type { AppTarget, BrowserSignIn, Grant, ProtocolDeps, TokenResult } from './types.js';

export interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  scope: readonly string[];
  state: string;
  codeChallenge: string;
  loginHint?: string;
  domainHint?: string;
  /** A claims request (JSON) the sign-in must satisfy, CAE's cp1 included. */
  claims?: string;
}

/** How long a sign-in nobody completes waits, unless --timeout says otherwise. */
export const defaultSignInWaitMs = 300_000;

/** The authorize URL (entra-protocol.md 3.2): consent for every scope up front, PKCE S256, an account picker. */
export function buildAuthorizeUrl(endpoint: string, p: AuthorizeParams): string {
  const url = new URL(endpoint);
  const params: Record<string, string | undefined> = {
    client_id: p.clientId,
    response_type: 'code',
    redirect_uri: p.redirectUri,
    response_mode: 'query',
    scope: p.scope.join(' '),
    state: p.state,
    code_challenge: p.codeChallenge,
    code_challenge_method: 'S256',
    prompt: 'select_account',
    login_hint: p.loginHint,
    domain_hint: p.domainHint,
    claims: p.claims,
  };
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
  return url.href;
}

const errorHints: Array<[RegExp | number, string]> = [
  [/^access_denied$/, 'run the command again and accept the request to sign in'],
  [50011, 'give the app\'s registered redirect URI with --redirect-uri (http://localhost for the Azure CLI client), or register this one, without its port, under "Mobile and desktop applications"'],
  [700016, 'check the client id and the tenant'],
  [/^(invalid_request|unauthorized_client)$/, 'check the client id and the tenant, and that the app allows public client flows with a http://localhost redirect URI'],
];

function refusal(answer: Extract<RedirectAnswer, { error: string }>): AuthenticationError {
  const codes = [...answer.description.matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1]));
  const hint = errorHints.find(([key]) => (typeof key === 'number' ? codes.includes(key) : key.test(answer.error)))?.[1] ?? 'run the command again';
  const said = (answer.description || answer.error).replace(/[.\s]+$/, '');
  return new AuthenticationError(`Entra ID refused the sign-in: ${said} (${answer.error}); ${hint}.`, { error: answer.error, errorCodes: codes });
}

/**
 * Signs a person in with the authorization code flow and PKCE (RFC 7636, RFC 8252;
 * entra-protocol.md 3): listens on loopback, sends the person to the authorize URL, waits for the
 * one answer with this sign-in's state, and redeems the code with the verifier, the same redirect
 * URI and a single-resource scope.
 */
export async function signInWithAuthCode(
  target: AppTarget,
  consent: readonly string[],
  scope: readonly string[],
  signIn: BrowserSignIn,
  deps: ProtocolDeps,
  claims?: string,
): Promise<TokenResult> {
  const redirect = checkRedirectUri(signIn.redirectUri);
  if (!redirect.ok) throw new ConfigError(`The redirect URI '${signIn.redirectUri}' is not usable: ${redirect.problem}.`);
  const urls = entraEndpoints(target.authority, target.tenant);
  const pkce = createPkcePair();
  rememberSecret(pkce.verifier);
  const state = randomState();
  const waitMs = deps.signInWaitMs ?? defaultSignInWaitMs;
  const listener = await listenForRedirect({ redirect, state, movableWhenBusy: !signIn.redirectUriGiven, log: deps.log });
  let answer: RedirectAnswer | undefined;
  try {
    const authorizeUrl = buildAuthorizeUrl(urls.authorize, {
      clientId: target.clientId,
      redirectUri: listener.redirectUri,
      scope: consent,
      state,
      codeChallenge: pkce.challenge,
      ...(signIn.loginHint ? { loginHint: signIn.loginHint } : {}),
      ...(signIn.domainHint ? { domainHint: signIn.domainHint } : {}),
      ...(claims ? { claims } : {}),
    });
    await deps.prompt.showAuthorizeUrl(authorizeUrl);
    answer = await listener.answer(waitMs, deps.signal);
  } finally {
    await listener.close();
  }
  if (!answer) {
    throw new AuthenticationError(
      `No sign-in came back from the browser within ${Math.round(waitMs / 1000)} s; run the command again and finish the sign-in in the browser (raise --timeout for more time), or use --protocol device-code.`,
      { error: 'timeout' },
    );
  }
  if ('error' in answer) throw refusal(answer);
  rememberSecret(answer.code);
  const form = {
    grant_type: 'authorization_code',
    client_id: target.clientId,
    code: answer.code,
    redirect_uri: listener.redirectUri,
    code_verifier: pkce.verifier,
    scope: scopesOfFirstResource(scope).join(' '),
    client_info: '1',
    ...(claims ? { claims } : {}),
  };
  // The person may have taken the whole wait: the redemption still gets time of its own.
  const http = deps.senderUntil(Math.max(deps.http.deadline, deps.now().getTime() + 30_000));
  return requestToken(target, form, deps, { what: 'Entra ID refused the sign-in code', hint: 'run the command again', http });
}

/** The registry's grant: a person signs in in a browser; the account asked for is the login hint. */
export const grant: Grant = {
  async acquire(request, deps) {
    const given = request.browser ?? { redirectUri: defaultRedirectUri, redirectUriGiven: false };
    // The account asked for (or whose session needs the sign-in) is the login hint, unless one was given.
    const account = request.accountSelector && !isGuid(request.accountSelector) ? request.accountSelector : request.account?.upn;
    const hint = !given.loginHint && account ? { loginHint: account } : {};
    const browser = { ...given, ...hint };
    const token = await signInWithAuthCode(request, request.scopeAuth, request.scope, browser, deps, request.claims);
    // The URI as configured, not the port used, so AzSessions.jl and later runs match the session.
    return { ...token, redirectUri: browser.redirectUri };
  },
};
