import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeCertificate } from '../support/certificates.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { DEVICE_CODE_GRANT, idpEnv, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';
import { startTlsFront, type TlsFront } from '../support/tls-front.js';
import { requires } from '../support/requires.js';

const fx = useIdpAndHome({ deviceCodeInterval: 1 });


describe('proxies', { skip: requires('openssl') }, () => {
  /** A name only the proxy resolves: a request that reaches the IdP went through the tunnel. */
  const idpName = 'login.azsess.test';
  let proxy: ConnectProxy;
  let front: TlsFront;
  let certs: TmpHome;
  let caFile: string;
  before(async () => {
    certs = makeTmpHome();
    const certificate = await makeCertificate(certs.userHome, 'idp', [idpName]);
    caFile = certificate.certPath;
    front = await startTlsFront(fx.idp.url, certificate);
    proxy = await startConnectProxy({ [idpName]: '127.0.0.1' });
  });
  after(async () => {
    await Promise.all([proxy.close(), front.close()]);
    certs.cleanup();
  });

  // The test IdP behind TLS, at a name this machine cannot resolve; azsess trusts its certificate.
  const tlsEnv = (extra: Record<string, string>) =>
    fx.appEnv({ AZURE_AUTHORITY_HOST: `https://${idpName}:${front.port}`, NODE_EXTRA_CA_CERTS: caFile, ...extra });

  test('requests to Entra over https go through the CONNECT tunnel of HTTPS_PROXY (or https_proxy)', async () => {
    for (const variable of ['HTTPS_PROXY', 'https_proxy']) {
      proxy.tunnels.length = 0;
      fx.idp.requests.reset();
      const r = await runCli(['token', '--protocol', 'client-credentials', '--verbose'], { userHome: fx.tmp.userHome, env: tlsEnv({ [variable]: proxy.url }) });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(proxy.tunnels, [`${idpName}:${front.port}`], variable);
      assert.equal(fx.idp.requests.count({ endpoint: 'token', grantType: 'client_credentials' }), 1);
      rmSync(fx.tmp.home, { recursive: true, force: true });
    }
    assert.ok(front.handshakes >= 2, 'the IdP was reached over TLS');
  });

  test('NO_PROXY bypasses the proxy: the name then does not resolve, and azsess says so with exit 5', async () => {
    proxy.tunnels.length = 0;
    const r = await runCli(['token', '--protocol', 'client-credentials', '--timeout', '3'], {
      userHome: fx.tmp.userHome,
      env: tlsEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: `.azsess.test` }),
    });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /login\.azsess\.test/);
    assert.deepEqual(proxy.tunnels, []);
    assert.equal(fx.idp.requests.count(), 0);
  });

  test('plain http to the loopback IdP goes through HTTP_PROXY too, unless NO_PROXY names it', async () => {
    const host = new URL(fx.idp.url).host;
    proxy.tunnels.length = 0;
    const through = await runCli(['token', '--protocol', 'client-credentials'], { userHome: fx.tmp.userHome, env: { ...fx.appEnv(), http_proxy: proxy.url } });
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
