import { TEST_PASSWORD, TEST_USERNAME } from './constants.js';
import { HttpBrowser, findForm, textById, type Page } from './http-browser.js';

/** Who signs in, and whether they accept the consent page. */
export interface SignInOptions {
  username?: string;
  password?: string;
  /** Press "Decline" on the consent page instead of "Accept". */
  decline?: boolean;
}

/** Outcome of an authorization-code sign-in: the redirect back to the app. */
export interface AuthorizationResult {
  /** The full redirect URL (to the app's loopback listener). */
  redirectUrl: string;
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
  /** What the app's listener answered, when `deliver` was on. */
  delivered?: { status: number; body: string };
}

function failure(page: Page): Error {
  const message = textById(page.html, 'error') ?? `unexpected page (HTTP ${page.status}) at ${page.url}`;
  return new Error(`test IdP sign-in failed: ${message}`);
}

/** Fills the login page and answers the consent page until the IdP leaves them. */
async function driveLoginAndConsent(browser: HttpBrowser, first: Page, options: SignInOptions): Promise<Page> {
  let page = first;
  let triedLogin = false;
  for (let step = 0; step < 10; step += 1) {
    if (page.location) return page;
    const login = findForm(page.html, 'login-form', page.url);
    if (login) {
      if (triedLogin) throw failure(page);
      triedLogin = true;
      page = await browser.post(login.action, {
        ...login.fields, username: options.username ?? TEST_USERNAME, password: options.password ?? TEST_PASSWORD,
      });
      continue;
    }
    const consent = findForm(page.html, 'consent-form', page.url);
    if (consent) {
      page = await browser.post(consent.action, { ...consent.fields, action: options.decline ? 'decline' : 'accept' });
      continue;
    }
    return page;
  }
  throw new Error('test IdP sign-in did not finish in 10 steps');
}

/**
 * Approves (or declines) a device code through the IdP's own pages, as a person would: open the
 * verification URI, enter the user code, sign in, then accept or decline.
 */
export async function approveDeviceCodeOverHttp(verificationUri: string, userCode: string, options: SignInOptions = {}): Promise<void> {
  const browser = new HttpBrowser(new URL(verificationUri).origin);
  const entry = await browser.get(verificationUri);
  const form = findForm(entry.html, 'device-code-form', entry.url);
  if (!form) throw failure(entry);
  const afterCode = await browser.post(form.action, { ...form.fields, user_code: userCode });
  if (findForm(afterCode.html, 'device-code-form', afterCode.url) && textById(afterCode.html, 'error')) throw failure(afterCode);
  const done = await driveLoginAndConsent(browser, afterCode, options);
  const ok = options.decline ? textById(done.html, 'declined') !== undefined : textById(done.html, 'success') !== undefined;
  if (!ok) throw failure(done);
}

/**
 * Walks an authorize URL (auth code flow) through login and consent and returns the redirect to
 * the app. With `deliver` (default true) the redirect is also requested, as a browser would,
 * so an app listening on the loopback port receives it.
 */
export async function completeAuthorizationOverHttp(
  authorizeUrl: string,
  options: SignInOptions & { deliver?: boolean } = {},
): Promise<AuthorizationResult> {
  const browser = new HttpBrowser(new URL(authorizeUrl).origin);
  const done = await driveLoginAndConsent(browser, await browser.get(authorizeUrl), options);
  if (!done.location) throw failure(done);
  const params = new URL(done.location).searchParams;
  const result: AuthorizationResult = {
    redirectUrl: done.location,
    code: params.get('code') ?? undefined,
    state: params.get('state') ?? undefined,
    error: params.get('error') ?? undefined,
    errorDescription: params.get('error_description') ?? undefined,
  };
  if (options.deliver ?? true) {
    const response = await fetch(done.location, { redirect: 'manual', signal: AbortSignal.timeout(20_000) });
    result.delivered = { status: response.status, body: await response.text() };
  }
  return result;
}
