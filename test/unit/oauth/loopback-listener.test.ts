import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ConfigError, InterruptedError } from '../../../src/domain/errors.js';
import { silentLog } from '../../../src/domain/log.js';
import { listenForRedirect, type RedirectListener } from '../../../src/oauth/loopback-listener.js';
import { checkRedirectUri, type LoopbackRedirect } from '../../../src/oauth/redirect-uri.js';

/** The listener in-process, on real loopback sockets. */

function redirect(text: string): LoopbackRedirect {
  const check = checkRedirectUri(text);
  if (!check.ok) throw new Error(check.problem);
  return check;
}

async function withListener(text: string, body: (l: RedirectListener, base: string) => Promise<void>, movable = true) {
  const listener = await listenForRedirect({ redirect: redirect(text), state: 'the-state', movableWhenBusy: movable, log: silentLog });
  try {
    await body(listener, listener.redirectUri);
  } finally {
    await listener.close();
  }
}

const never = new AbortController().signal;

test('port 0 takes a free port; the redirect URI sent names it, path kept', async () => {
  await withListener('http://localhost:0/cb', async (l) => {
    assert.ok(l.port > 0);
    assert.equal(l.redirectUri, `http://localhost:${l.port}/cb`);
  });
});

test('only GET on the redirect path with the right state counts; the first answer wins and the listener closes', async () => {
  await withListener('http://localhost:0/cb', async (l, base) => {
    const answer = l.answer(10_000, never);
    assert.equal((await fetch(base, { method: 'POST', body: 'code=x&state=the-state' })).status, 404);
    assert.equal((await fetch(`${base}/../other?code=x&state=the-state`)).status, 404);
    assert.equal((await fetch(`${base}?state=the-state`)).status, 400, 'neither code nor error');
    const first = await fetch(`${base}?code=the-code&state=the-state`);
    assert.equal(first.headers.get('referrer-policy'), 'no-referrer');
    assert.ok(!(await first.text()).includes('the-code'));
    assert.deepEqual(await answer, { code: 'the-code' });
    await assert.rejects(fetch(`${base}?code=late&state=the-state`), 'closed after the answer');
  });
});

test('an error answer keeps only printable text, its first line', async () => {
  await withListener('http://127.0.0.1:0/', async (l, base) => {
    const answer = l.answer(10_000, never);
    const query = new URLSearchParams({ state: 'the-state', error: 'access_denied', error_description: 'AADSTS65004: no\x1b[31m red\r\nTrace ID: 1' });
    const page = await fetch(`${base}?${query}`);
    assert.match(await page.text(), /AADSTS65004: no/);
    assert.deepEqual(await answer, { error: 'access_denied', description: 'AADSTS65004: no [31m red' });
  });
});

test('nobody answering ends with undefined; an abort with InterruptedError', async () => {
  await withListener('http://localhost:0/', async (l) => {
    assert.equal(await l.answer(50, never), undefined);
    const ctl = new AbortController();
    const waiting = l.answer(10_000, ctl.signal);
    ctl.abort();
    await assert.rejects(waiting, InterruptedError);
  });
});

test('a busy port: an error naming it when given, another port when it is only a preference', async () => {
  const other = createServer();
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  const busy = (other.address() as { port: number }).port;
  try {
    await assert.rejects(
      listenForRedirect({ redirect: redirect(`http://localhost:${busy}/x`), state: 's', movableWhenBusy: false, log: silentLog }),
      (err: unknown) => err instanceof ConfigError && err.exitCode === 6 && err.message.includes(`Port ${busy} of localhost`),
    );
    await withListener(`http://localhost:${busy}/x`, async (l) => {
      assert.notEqual(l.port, busy);
      assert.equal(l.redirectUri, `http://localhost:${l.port}/x`);
    });
  } finally {
    other.close();
  }
});
