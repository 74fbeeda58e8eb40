import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeJwt, JWT_BEARER, TEST_CLIENT_CERTIFICATE_PATH, TEST_CLIENT_PFX_PATH, TEST_OTHER_CERTIFICATE_PATH } from '../idp/index.js';
import { expireStoredTokens, readStoredSessions } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { useIdpAndHome } from '../support/idp-fixture.js';

const fx = useIdpAndHome();

function certEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AZURE_AUTHORITY_HOST: fx.idp.url,
    AZURE_TENANT_ID: fx.idp.tenantId,
    AZURE_CLIENT_ID: fx.idp.confidentialClientId,
    AZURE_CLIENT_CERTIFICATE_PATH: TEST_CLIENT_CERTIFICATE_PATH,
    ...extra,
  };
}

const run = (args: string[], env = certEnv(), input?: string) =>
  runCli(['token', '--protocol', 'client-credentials', ...args], { userHome: fx.tmp.userHome, env, ...(input !== undefined ? { input } : {}) });

/** The client assertion azsess sent in its last token request, decoded. */
function lastAssertion(): { header: Record<string, any>; payload: Record<string, any>; raw: string } {
  const form = fx.idp.requests.last({ endpoint: 'token' })!.form!;
  assert.equal(form.client_assertion_type, JWT_BEARER);
  assert.equal(form.client_secret, undefined);
  const raw = form.client_assertion!;
  return { header: JSON.parse(Buffer.from(raw.split('.')[0]!, 'base64url').toString('utf8')), payload: decodeJwt(raw), raw };
}

/** client.pem with its key encrypted (PKCS#8, AES-256-CBC) under `password`. */
function encryptedCopy(password: string): string {
  const pem = readFileSync(TEST_CLIENT_CERTIFICATE_PATH, 'utf8');
  const key = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password });
  const path = join(fx.tmp.userHome, 'encrypted.pem');
  writeFileSync(path, `${key as string}${pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)!.join('')}`);
  return path;
}

describe('client credentials with a certificate', () => {
  test('a PS256 assertion with x5t#S256 and Entra claims gets a token, cached like a secret-based one; each request signs anew', async () => {
    const first = await run(['--verbose']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(decodeJwt(first.stdout.trim()).appidacr, '2', 'the IdP took it as a certificate credential');
    const { header, payload, raw } = lastAssertion();
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'typ', 'x5t#S256']);
    assert.equal(header.alg, 'PS256');
    assert.equal(payload.aud, `${fx.idp.authority}/oauth2/v2.0/token`);
    assert.equal(payload.iss, fx.idp.confidentialClientId);
    assert.equal(payload.sub, fx.idp.confidentialClientId);
    assert.match(payload.jti, /^[0-9a-f-]{36}$/);
    assert.equal(payload.nbf, payload.iat);
    assert.equal(payload.exp - payload.iat, 600);
    const [session] = readStoredSessions(fx.tmp.home);
    assert.equal(session!.protocol, 'AzClientCredentials');
    assert.equal(session!.options, undefined, 'the same session as with a secret');
    assert.doesNotMatch(readFileSync(join(fx.tmp.home, 'sessions.json'), 'utf8'), /PRIVATE KEY|BEGIN/);

    assert.equal((await run([])).stdout, first.stdout, 'a cache hit');
    expireStoredTokens(fx.tmp.home);
    assert.equal((await run([])).code, 0);
    assert.notEqual(lastAssertion().payload.jti, payload.jti, 'a fresh assertion for the second request');
    assert.equal(fx.idp.requests.count({ endpoint: 'token' }), 2);
    assert.deepEqual(fx.idp.issued.findIn(first.stderr), []);
    assert.ok(!first.stderr.includes(raw));
  });

  test('--certificate-alg RS256 signs with x5t, and --send-certificate-chain adds the chain, leaf first', async () => {
    const r = await run(['--certificate-alg', 'RS256', '--send-certificate-chain', '--resource', 'https://vault.azure.net'],
      certEnv({ AZURE_CLIENT_SECRET: 'a-secret-that-is-ignored' }));
    assert.equal(r.code, 0, r.stderr);
    const { header } = lastAssertion();
    assert.equal(header.alg, 'RS256');
    assert.equal(typeof header.x5t, 'string');
    assert.equal(header['x5t#S256'], undefined);
    assert.equal(header.x5c.length, 2);
    const pem = readFileSync(TEST_CLIENT_CERTIFICATE_PATH, 'utf8');
    const firstCert = /-----BEGIN CERTIFICATE-----\n([\s\S]*?)\n-----END CERTIFICATE-----/.exec(pem)![1]!.replace(/\n/g, '');
    assert.equal(header.x5c[0], firstCert, 'standard base64 DER of the leaf');
  });

  test('an encrypted key opens with AZURE_CLIENT_CERTIFICATE_PASSWORD or a password on stdin; without or with a wrong one it is exit 6', async () => {
    const path = encryptedCopy('s3cret-pass');
    const env = certEnv({ AZURE_CLIENT_CERTIFICATE_PATH: path });
    assert.equal((await run([], { ...env, AZURE_CLIENT_CERTIFICATE_PASSWORD: 's3cret-pass' })).code, 0);
    const stdin = await run(['--clear-cache', '--client-certificate', path, '--client-certificate-password-stdin'], certEnv(), 's3cret-pass\n');
    assert.equal(stdin.code, 0, stdin.stderr);
    const none = await run(['--clear-cache'], env);
    assert.equal(none.code, 6, none.stderr);
    assert.match(none.stderr, /encrypted: set AZURE_CLIENT_CERTIFICATE_PASSWORD or pass --client-certificate-password-stdin/);
    const wrong = await run(['--clear-cache', '--verbose'], { ...env, AZURE_CLIENT_CERTIFICATE_PASSWORD: 'not-the-pass' });
    assert.equal(wrong.code, 6, wrong.stderr);
    assert.match(wrong.stderr, /Could not decrypt the private key/);
    assert.doesNotMatch(wrong.stderr + stdin.stderr, /s3cret-pass|not-the-pass/);
  });

  test('a certificate the app does not have is exit 4 with AADSTS700027', async () => {
    const r = await run(['--client-certificate', TEST_OTHER_CERTIFICATE_PATH]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /Entra ID refused the client certificate: AADSTS700027: The certificate with identifier used to sign the client assertion is not registered/);
    assert.match(r.stderr, /upload this certificate to the app registration/);
    assert.equal(r.stdout, '');
  });

  test('a PKCS#12 file, a missing file or a PEM without a key is exit 6 before any request, saying what to do', async () => {
    const pfx = await run(['--client-certificate', TEST_CLIENT_PFX_PATH]);
    assert.equal(pfx.code, 6, pfx.stderr);
    assert.match(pfx.stderr, /is not a PEM file; if it is PKCS#12 \(\.pfx or \.p12\), convert it with 'openssl pkcs12 -in \S+client\.pfx -out \S+client\.pem -nodes'/);
    const missing = await run(['--client-certificate', join(fx.tmp.userHome, 'nope.pem')]);
    assert.equal(missing.code, 6);
    assert.match(missing.stderr, /Could not read the client certificate .*nope\.pem \(ENOENT\)/);
    const certOnly = join(fx.tmp.userHome, 'cert-only.pem');
    writeFileSync(certOnly, readFileSync(TEST_CLIENT_CERTIFICATE_PATH, 'utf8').replace(/-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----\n/, ''));
    const noKey = await run(['--client-certificate', certOnly]);
    assert.equal(noKey.code, 6);
    assert.match(noKey.stderr, /holds no private key/);
    assert.equal(fx.idp.requests.count(), 0);
  });

  test('certificate flags with another protocol are exit 2', async () => {
    const r = await runCli(['token', '--protocol', 'device-code', '--client-certificate', TEST_CLIENT_CERTIFICATE_PATH], { userHome: fx.tmp.userHome, env: certEnv() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--client-certificate applies to --protocol client-credentials only/);
  });
});
