import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { idpEnv } from '../support/idp-session.js';
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
  test('slow_down adds 5 seconds to the polling interval', async () => {
    fx.idp.faults.add('token', { status: 400, body: { error: 'slow_down', error_description: 'Polling too fast.', error_codes: [] } }, { times: 1 });
    let approved = false;
    const r = await runCli(['login', '--verbose'], {
      userHome: fx.tmp.userHome,
      env: idpEnv(fx.idp),
      onSpawn: (child) => {
        child.stderr!.on('data', (d: Buffer) => {
          const code = /enter the code (\S+)/.exec(d.toString())?.[1];
          if (code && !approved) {
            approved = true;
            // Approve only after the slowed-down poll, so the gap is measured between real polls.
            setTimeout(() => void fx.idp.approveDeviceCode(code), 2500);
          }
        });
      },
    });
    assert.equal(r.code, 0, r.stderr);
    const polls = fx.idp.requests.filter({ endpoint: 'token' }).map((p) => p.time);
    assert.ok(polls.length >= 2);
    const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
    assert.ok(gaps[0]! >= 5900, `the poll after slow_down waited ${gaps[0]} ms (interval 1 s + 5 s)`);
    assert.match(r.stderr, /poll more slowly; now every 6 s/);
  });

  test('Ctrl-C during a sign-in exits 130 and writes nothing', async () => {
    const r = await runCli(['login'], {
      userHome: fx.tmp.userHome,
      env: idpEnv(fx.idp),
      onSpawn: (child) => {
        child.stderr!.on('data', (d: Buffer) => {
          if (/enter the code/.test(d.toString())) setTimeout(() => child.kill('SIGINT'), 300);
        });
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Interrupted; nothing was saved/);
    assert.equal(existsSync(join(fx.tmp.home, 'sessions.json')), false);
  });
});
