import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, STATUS_CODES } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TEST_CLIENT_CERTIFICATE_PATH } from '../idp/index.js';
import { runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';

/**
 * Secrets azsess knows but did not issue (a client secret from the environment or the manifest)
 * never reach stderr, even when Entra echoes them; AADSTS50196 is retried within the deadline and
 * then explained; a proxy that cannot be reached is named as the proxy.
 */
const fx = useIdpAndHome();

const clientCredentials = (env: Record<string, string>, extra: string[] = []) =>
  runCli(['token', '--protocol', 'client-credentials', ...extra], { userHome: fx.tmp.userHome, env });

/** Entra's answer to a bad secret, made worse: the description quotes what was sent. */
function echoSecret(secret: string): void {
  fx.idp.faults.add('token', {
    status: 401,
    body: {
      error: 'invalid_client',
      error_description: `AADSTS7000215: Invalid client secret provided. The secret sent was '${secret}'.`,
      error_codes: [7000215],
    },
  });
}

const loopDetected = {
  status: 400,
  body: {
    error: 'invalid_request',
    error_description: 'AADSTS50196: The server terminated an operation because it encountered a client request loop. Please contact your app vendor.',
    error_codes: [50196],
  },
};

describe('secrets azsess knows are redacted from everything it prints', () => {
  test('AZURE_CLIENT_SECRET echoed in an error_description', async () => {
    const secret = 'env-secret-Q8w~echoed.by.entra';
    echoSecret(secret);
    for (const extra of [[], ['--verbose']]) {
      const r = await clientCredentials(fx.appEnv({ AZURE_CLIENT_SECRET: secret }), extra);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /AADSTS7000215/);
      assert.ok(!r.stderr.includes(secret), r.stderr);
      assert.match(r.stderr, /\[redacted\]/);
    }
  });

  test('the manifest client secret echoed in an error_description', async () => {
    const secret = 'manifest-secret-Z3x~echoed.by.entra';
    const write = await runCli(['write-manifest', '--client-secret-stdin'], { userHome: fx.tmp.userHome, input: `${secret}\n` });
    assert.equal(write.code, 0, write.stderr);
    echoSecret(secret);
    const r = await clientCredentials(fx.appEnv({ AZURE_CLIENT_SECRET: '' }), ['--verbose']);
    assert.equal(r.code, 4, r.stderr);
    assert.ok(!r.stderr.includes(secret), r.stderr);
  });

  test('a certificate password from stdin or the environment echoed in an error_description', async () => {
    const password = 'cert-password-Echoed.5678';
    const pem = readFileSync(TEST_CLIENT_CERTIFICATE_PATH, 'utf8');
    const key = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }) as string;
    const path = join(fx.tmp.userHome, 'encrypted.pem');
    writeFileSync(path, `${key}${pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)!.join('')}`);
    echoSecret(password);
    const env = fx.appEnv({ AZURE_CLIENT_SECRET: '' });
    const stdin = await runCli(['token', '--protocol', 'client-credentials', '--client-certificate', path, '--client-certificate-password-stdin', '--verbose'], {
      userHome: fx.tmp.userHome,
      env,
      input: `${password}\n`,
    });
    const fromEnv = await clientCredentials({ ...env, AZURE_CLIENT_CERTIFICATE_PATH: path, AZURE_CLIENT_CERTIFICATE_PASSWORD: password }, ['--verbose']);
    for (const r of [stdin, fromEnv]) {
      assert.equal(r.code, 4, r.stderr);
      assert.ok(!r.stderr.includes(password), r.stderr);
    }
  });
});

describe('AADSTS50196 (request loop detected)', () => {
  test('is retried once within the deadline, after a pause', async () => {
    fx.idp.faults.add('token', loopDetected, { times: 1 });
    const r = await clientCredentials(fx.appEnv(), ['--timeout', '8', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 2);
    assert.match(r.stderr, /Retry 1\/\d+ of the token endpoint in \d+\.\d s: AADSTS50196/);
  });

  test('then has a sentence of its own, not "check the client id, tenant and secret"', async () => {
    fx.idp.faults.add('token', loopDetected);
    // Both answers must come before the deadline, the pause between them is half of what is left.
    const r = await clientCredentials(fx.appEnv(), ['--timeout', '8']);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 2, 'one retry, no more: Entra asks clients to stop');
    assert.match(r.stderr, /AADSTS50196.*too many identical requests.*wait a few minutes/);
    assert.doesNotMatch(r.stderr, /check the client id/);
  });
});

describe('proxies', () => {
  test('an unreachable proxy is named as the proxy', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await clientCredentials(fx.appEnv({ http_proxy: `http://user:proxy-pw@127.0.0.1:${port}` }), ['--timeout', '6']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, new RegExp(`the token endpoint at 127\\.0\\.0\\.1:\\d+ could not be reached: the proxy 127\\.0\\.0\\.1:${port} refused`, 'i'));
    assert.doesNotMatch(r.stderr, /DNS|proxy-pw/);
  });

  test('a proxy that refuses the tunnel is named: 407 is exit 6 (credentials), 502 exit 5', async () => {
    const proxy = createHttpServer((_req, res) => res.end());
    let status = 407;
    proxy.on('connect', (_req, socket: Socket) => socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\n\r\n`));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const auth = await clientCredentials(fx.appEnv({ HTTP_PROXY: url }), ['--timeout', '15']); // a 407 is final at once
      assert.equal(auth.code, 6, auth.stderr);
      assert.match(auth.stderr, /The proxy 127\.0\.0\.1:\d+ asks for a user name and password \(HTTP 407\)/);
      status = 502;
      const gateway = await clientCredentials(fx.appEnv({ HTTP_PROXY: url }), ['--timeout', '6']);
      assert.equal(gateway.code, 5, gateway.stderr);
      assert.match(gateway.stderr, /could not be reached: the proxy 127\.0\.0\.1:\d+ answered HTTP 502 instead of connecting to it/);
      assert.doesNotMatch(auth.stderr + gateway.stderr, /did not answer within/);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
