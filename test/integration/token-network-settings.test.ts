import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { DEVICE_CODE_GRANT, idpEnv, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';

const fx = useIdpAndHome({ deviceCodeInterval: 1 });


describe('proxies', () => {
  let proxy: ConnectProxy;
  before(async () => {
    proxy = await startConnectProxy();
  });
  after(() => proxy.close());

  test('requests to Entra go through HTTPS_PROXY/HTTP_PROXY, and NO_PROXY bypasses it', async () => {
    const host = new URL(fx.idp.url).host;
    const through = await runCli(['token', '--protocol', 'client-credentials'], {
      userHome: fx.tmp.userHome,
      env: { ...fx.appEnv(), http_proxy: proxy.url },
    });
    assert.equal(through.code, 0, through.stderr);
    assert.ok(proxy.tunnels.includes(host), `tunnelled to ${host}: ${proxy.tunnels.join(', ')}`);
    proxy.tunnels.length = 0;
    const bypass = await runCli(['token', '--protocol', 'client-credentials', '--resource', 'https://vault.azure.net'], {
      userHome: fx.tmp.userHome,
      env: { ...fx.appEnv(), HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
    });
    assert.equal(bypass.code, 0, bypass.stderr);
    assert.deepEqual(proxy.tunnels, []);
  });
});

describe('device code polling', () => {
  test('slow_down adds 5 seconds to the polling interval for the rest of the flow', async () => {
    fx.idp.faults.add('token', { status: 400, body: { error: 'slow_down', error_description: 'Polling too fast.', error_codes: [] } }, { times: 1 });
    // The person approves once the IdP has seen the poll after the slowed-down one.
    const r = await withDeviceCodeApproval(fx.idp, ['login', '--verbose'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) }, { afterPolls: 2 });
    assert.equal(r.code, 0, r.stderr);
    const polls = fx.idp.requests.filter({ endpoint: 'token', grantType: DEVICE_CODE_GRANT }).map((p) => p.time);
    assert.ok(polls.length >= 3, `${polls.length} polls`);
    const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
    for (const gap of gaps) assert.ok(gap >= 6000, `a poll after slow_down waited ${gap} ms (interval 1 s + 5 s, for every later poll): ${gaps.join(', ')}`);
    assert.match(r.stderr, /poll more slowly; now every 6 s/);
  });

  test('Ctrl-C during a sign-in exits 130 and writes nothing', async () => {
    const r = await runCli(['login'], {
      userHome: fx.tmp.userHome,
      env: idpEnv(fx.idp),
      onSpawn: (child) => {
        // Interrupted while polling: once the IdP has seen the first poll.
        void fx.idp.requests.waitFor({ endpoint: 'token', grantType: DEVICE_CODE_GRANT }).then(() => child.kill('SIGINT'));
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Interrupted; nothing was saved/);
    assert.equal(existsSync(join(fx.tmp.home, 'sessions.json')), false);
  });
});
