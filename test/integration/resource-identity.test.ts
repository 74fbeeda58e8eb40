import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeJwt, GRAPH_APP_ID, RESOURCES } from '../idp/index.js';
import { idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useServeFixture } from '../support/serve-fixture.js';
import { formatSessionsDocument, parseSessionsDocument } from '../../src/store/sessions-document.js';
import type { Session } from '../../src/domain/session.js';

/**
 * A resource is its whole app ID (docs/protocols.md, "Which resource"): two apps of one host that
 * differ only in their path are two resources for every decision that grants or removes something,
 * and every spelling of one resource is one stored session.
 */

const { fx, withServe, refreshes } = useServeFixture();
const orders = RESOURCES.orders;
const payroll = RESOURCES.payroll;
const tokenRequests = () => fx.idp.requests.count({ endpoint: 'token' });

/**
 * alice's session for orders (`orders/.default`), whose sign-in consented to payroll too: a
 * refresh could get a payroll token. Entra takes a /.default only on its own in a sign-in, so the
 * sign-in names permissions, and the session is then kept under orders' /.default scope, the one
 * every test below asks for (its token is orders').
 */
async function loginToOrders(): Promise<void> {
  const permissions = [`${payroll}/user_impersonation`, `${RESOURCES.app2}/user_impersonation`, `${RESOURCES.storage}/user_impersonation`, `${RESOURCES.arm}/user_impersonation`, `${RESOURCES.graph}/User.Read`];
  const consent = permissions.flatMap((p) => ['--scope-auth', p]);
  const args = ['login', '--protocol', 'device-code', '--scope', `${orders}/user_impersonation`, ...consent];
  const r = await withDeviceCodeApproval(fx.idp, args, { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
  assert.equal(r.code, 0, r.stderr);
  rewriteSessions((sessions) => sessions.map((s) => ({ ...s, scope: ['openid', 'offline_access', `${orders}/.default`] })));
}

function token(args: string[]) {
  return runCli(['token', '--protocol', 'device-code', ...args], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
}

function ask(s: { endpoint: string; header: string }, resource: string): Promise<Response> {
  return fetch(`${s.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`, { headers: { 'X-IDENTITY-HEADER': s.header } });
}

const sessionsPath = () => join(fx.tmp.home, 'sessions.json');

function rewriteSessions(change: (sessions: Session[]) => Session[]): void {
  const parsed = parseSessionsDocument(readFileSync(sessionsPath(), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problem);
  parsed.doc.sessions = change(parsed.doc.sessions);
  writeFileSync(sessionsPath(), formatSessionsDocument(parsed.doc), { mode: 0o600 });
}

/**
 * orders' token stored under payroll's scope with no recorded audience, as AzSessions.jl (which
 * compares only `https://host` and records nothing) could leave it: its `aud` says whose it is.
 */
function ordersTokenUnderPayroll(): void {
  rewriteSessions((sessions) =>
    sessions.map((s) => {
      const { tokenAudience: _recorded, ...rest } = s;
      return { ...rest, scope: ['openid', 'offline_access', `${payroll}/.default`] };
    }),
  );
}

/** 300-odd spellings of Storage's app ID: case, trailing slashes, surrounding spaces. */
function spellingsOfStorage(): string[] {
  const base = 'https://storage.azure.com';
  const out = new Set<string>();
  for (let i = 0; i < base.length; i++) out.add(base.slice(0, i) + base[i]!.toUpperCase() + base.slice(i + 1));
  const cased = [...out, base, base.toUpperCase(), `HTTPS://${base.slice('https://'.length)}`];
  const all = new Set<string>();
  for (const c of cased) for (const tail of ['', '/', '//']) for (const pad of ['', ' ', '\t', '  ', '\n']) all.add(`${pad}${c}${tail}${pad}`);
  return [...all];
}

describe('a resource is its whole app ID', () => {
  test('serve --allow-resource orders refuses payroll (and app1 refuses app2) with 403, and Entra sees no request', async () => {
    await loginToOrders();
    fx.idp.requests.reset();
    await withServe(['--allow-resource', orders, '--allow-resource', RESOURCES.app1], async (s) => {
      for (const other of [payroll, `${payroll}/`, RESOURCES.app2, 'api://contoso.example']) {
        const res = await ask(s, other);
        assert.equal(res.status, 403, other);
        const body = (await res.json()) as Record<string, string>;
        assert.equal(body.error, 'forbidden');
        assert.ok(!('access_token' in body));
      }
      assert.equal(tokenRequests(), 0, 'no refresh token was spent on a resource outside --allow-resource');
      const allowed = await ask(s, `API://Contoso.Example/Orders/`);
      assert.equal(allowed.status, 200, 'another spelling of orders is orders');
      assert.equal(decodeJwt(((await allowed.json()) as { access_token: string }).access_token).aud, orders);
      assert.equal(tokenRequests(), 0, 'and it is the cached token');
    });
  });

  test('clear-cache --scope orders/.default leaves the payroll session', async () => {
    await loginToOrders();
    const r = await token(['--scope', `${payroll}/.default`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(decodeJwt(r.stdout.trim()).aud, payroll);
    assert.equal(readStoredSessions(fx.tmp.home).length, 2);
    const hostAlone = await runCli(['clear-cache', '--scope', 'api://contoso.example/.default'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    assert.equal(hostAlone.code, 0, hostAlone.stderr);
    assert.equal(readStoredSessions(fx.tmp.home).length, 2, 'the host alone is no app of the two');
    const cleared = await runCli(['clear-cache', '--scope', `${orders}/.default`], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    assert.equal(cleared.code, 0, cleared.stderr);
    const left = readStoredSessions(fx.tmp.home);
    assert.deepEqual(left.map((s) => s.scope.filter((x) => x.startsWith('api://'))), [[`${payroll}/.default`]]);
  });

  test('token never hands out orders\' cached token for payroll', async () => {
    await loginToOrders();
    ordersTokenUnderPayroll();
    fx.idp.requests.reset();
    const r = await token(['--scope', `${payroll}/.default`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(decodeJwt(r.stdout.trim()).aud, payroll);
    assert.equal(refreshes(), 1, 'a payroll token was got instead');
  });

  test('serve never hands out orders\' cached token for payroll', async () => {
    await loginToOrders();
    ordersTokenUnderPayroll();
    fx.idp.requests.reset();
    await withServe([], async (s) => {
      const res = await ask(s, payroll);
      assert.equal(res.status, 200);
      assert.equal(decodeJwt(((await res.json()) as { access_token: string }).access_token).aud, payroll);
      assert.equal(refreshes(), 1);
    });
  });

  test('300 spellings of one resource through serve are one refresh and one stored session', async () => {
    await loginToOrders();
    fx.idp.requests.reset();
    const spellings = spellingsOfStorage();
    assert.ok(spellings.length >= 300, `${spellings.length} spellings`);
    const stderr = await withServe([], async (s) => {
      for (const spelling of spellings) {
        const res = await ask(s, spelling);
        assert.equal(res.status, 200, JSON.stringify(spelling));
        assert.equal(decodeJwt(((await res.json()) as { access_token: string }).access_token).aud, RESOURCES.storage);
      }
    });
    assert.equal(refreshes(), 1, 'the first spelling refreshed; every other was a cache hit');
    const storage = readStoredSessions(fx.tmp.home).filter((s) => s.scope.some((x) => x.toLowerCase().includes('storage')));
    assert.equal(storage.length, 1, 'one stored session for Storage');
    assert.doesNotMatch(stderr, /more than 500/);
  });

  test('token --resource and --scope: each spelling after the first is a cache hit with no request', async () => {
    await loginToOrders();
    fx.idp.requests.reset();
    const first = await token(['--resource', `${payroll}`]);
    assert.equal(first.code, 0, first.stderr);
    fx.idp.requests.reset();
    for (const args of [['--resource', ` ${payroll.toUpperCase()}/ `], ['--resource', `${payroll}//`], ['--scope', `API://CONTOSO.EXAMPLE/PAYROLL/.DEFAULT`]]) {
      const r = await token(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, first.stdout, args.join(' '));
    }
    assert.equal(tokenRequests(), 0);
    assert.equal(readStoredSessions(fx.tmp.home).length, 2, 'orders and payroll');
  });

  test('a value that is not a resource: 400 from serve, exit 2 from token, and no request', async () => {
    await loginToOrders();
    fx.idp.requests.reset();
    const bad = ['https://storage.azure.com/a b', 'https://storage.azure.com\u0001', 'https://storage.azure.com\u007f/x', `https://contoso.example/${'a'.repeat(2100)}`];
    await withServe([], async (s) => {
      for (const value of bad) {
        const res = await ask(s, value);
        assert.equal(res.status, 400, JSON.stringify(value.slice(0, 40)));
        assert.equal(((await res.json()) as Record<string, string>).error, 'invalid_request');
      }
    });
    for (const args of [['--resource', bad[0]!], ['--resource', bad[1]!], ['--scope', `${bad[2]}/.default`], ['--resource', bad[3]!]]) {
      const r = await token(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /is not a resource/);
      assert.equal(r.stdout, '');
    }
    const serve = await runCli(['serve', '--protocol', 'device-code', '--allow-resource', bad[0]!], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
    assert.equal(serve.code, 2, serve.stderr);
    assert.match(serve.stderr, /--allow-resource '.*' is not a resource/);
    assert.equal(tokenRequests(), 0);
  });

  test('the aliases Entra treats as one app still hit: ARM\'s two URIs, Graph\'s URL and app id', async () => {
    await loginToOrders();
    const arm = await token(['--resource', 'https://management.azure.com/']);
    assert.equal(arm.code, 0, arm.stderr);
    const graph = await token(['--scope', 'https://graph.microsoft.com/.default']);
    assert.equal(graph.code, 0, graph.stderr);
    assert.equal(decodeJwt(graph.stdout.trim()).aud, GRAPH_APP_ID);
    fx.idp.requests.reset();
    const armAlias = await token(['--resource', 'https://management.core.windows.net/']);
    assert.equal(armAlias.stdout, arm.stdout);
    const graphById = await token(['--scope', `${GRAPH_APP_ID}/.default`]);
    assert.equal(graphById.stdout, graph.stdout);
    assert.equal(tokenRequests(), 0);
    await withServe(['--allow-resource', 'https://management.core.windows.net/', '--allow-resource', `api://${GRAPH_APP_ID}`], async (s) => {
      assert.equal((await ask(s, 'https://management.azure.com')).status, 200);
      assert.equal((await ask(s, 'https://graph.microsoft.com')).status, 200);
      assert.equal((await ask(s, RESOURCES.storage)).status, 403);
    });
  });

  test('a session cache that grows past 500 sessions says so once', async () => {
    await loginToOrders();
    rewriteSessions((sessions) => {
      const one = sessions[0]!;
      const others = Array.from({ length: 499 }, (_, i) => ({ ...one, clientId: `0000000${i % 10}-0000-4000-8000-${String(i).padStart(12, '0')}` }));
      return [one, ...others];
    });
    const crossing = await token(['--scope', `${payroll}/.default`]);
    assert.equal(crossing.code, 0, crossing.stderr);
    assert.match(crossing.stderr, /now holds 501 sessions, more than 500/);
    const next = await token(['--scope', `${RESOURCES.app2}/.default`]);
    assert.equal(next.code, 0, next.stderr);
    assert.doesNotMatch(next.stderr, /more than 500/, 'said once, by the write that crossed the bound');
  });
});
