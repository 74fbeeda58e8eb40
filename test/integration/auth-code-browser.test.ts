import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../idp/index.js';
import { noSessionsIn, withAuthorizeUrl } from '../support/auth-code-session.js';
import { idpEnv, readStoredSessions } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { DEFAULT_REDIRECT_PORT, withPortLock } from '../support/port-lock.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';
import { requires } from '../support/requires.js';

/**
 * The browser sign-in in a real browser: Debian's Chromium, headless, driven by playwright-core
 * (a browser download cannot work here, so .ci/run installs the distribution's). One launch
 * serves the file; each test gets a fresh context, so the login page always shows.
 */

const chromiumPath = '/usr/bin/chromium';
const chromiumFlags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const missing = requires('chromium');

let idp: TestIdp;
let browser: Browser;
let context: BrowserContext;
let tmp: TmpHome;

before(async () => {
  idp = await startTestIdp();
  // launch() gives Chromium a fresh temporary --user-data-dir of its own.
  if (!missing) browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
});
after(async () => {
  await browser?.close();
  await idp.close();
});
beforeEach(async () => {
  tmp = makeTmpHome();
  idp.requests.reset();
  if (browser) context = await browser.newContext();
});
afterEach(async () => {
  await context?.close();
  tmp.cleanup();
});

/** A person in Chromium: opens the URL, signs in on the provider's page, then accepts or declines. */
async function signInInChromium(url: string, action: '#accept' | '#decline') {
  const page = await context.newPage();
  await page.goto(url);
  await page.fill('#username', idp.username);
  await page.fill('#password', idp.password);
  await page.click('button#sign-in');
  await page.click(action);
  const heading = page.locator('h1');
  await heading.waitFor();
  return { heading: await heading.getAttribute('id'), text: await page.textContent('body'), html: await page.content(), url: page.url() };
}

describe('browser sign-in in Chromium', { skip: missing }, () => {
  // azsess binds its default port 44300 here: held against token-auth-code.test.ts, run in parallel.
  test('signs in on the provider\'s login page; azsess records an AzAuthCodeFlowCredentials session, and the next token is a cache hit', () => withPortLock(DEFAULT_REDIRECT_PORT, async () => {
    const { result, outcome } = await withAuthorizeUrl(
      ['login', '--protocol', 'auth-code', '--no-browser'],
      { userHome: tmp.userHome, env: idpEnv(idp) },
      (url) => signInInChromium(url, '#accept'),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(outcome.heading, 'signed-in');
    assert.match(outcome.text!, /You can close this tab/);
    const code = new URL(outcome.url).searchParams.get('code')!;
    assert.ok(code && !outcome.html.includes(code), 'the page Chromium shows carries no code');

    const [session] = readStoredSessions(tmp.home);
    assert.equal(session!.protocol, 'AzAuthCodeFlowCredentials');
    assert.equal(session!.redirectUri, 'http://localhost:44300/reply');
    assert.equal(session!.account, idp.username);
    idp.requests.reset();
    const token = await runCli(['token', '--protocol', 'auth-code', '--verbose'], { userHome: tmp.userHome, env: idpEnv(idp) });
    assert.equal(token.code, 0, token.stderr);
    assert.equal(token.stdout, `${session!.token}\n`);
    assert.match(token.stderr, /Cache hit/);
    assert.equal(idp.requests.count(), 0);
    assert.deepEqual(idp.issued.findIn(result.stderr + token.stderr), []);
  }));

  test('Decline in Chromium: the page says the sign-in failed, azsess exits 4 and saves nothing', async () => {
    const { result, outcome } = await withAuthorizeUrl(
      ['login', '--protocol', 'auth-code', '--no-browser', '--redirect-uri', 'http://localhost/reply'],
      { userHome: tmp.userHome, env: idpEnv(idp) },
      (url) => signInInChromium(url, '#decline'),
    );
    assert.equal(outcome.heading, 'sign-in-failed');
    assert.match(outcome.text!, /AADSTS65004/);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /\(access_denied\)/);
    assert.ok(noSessionsIn(tmp.home));
  });
});
