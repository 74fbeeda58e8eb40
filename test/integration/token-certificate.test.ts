import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeJwt,
  JWT_BEARER,
  TEST_CLIENT_CERTIFICATE_PATH,
  TEST_CLIENT_LEGACY_PFX_PATH,
  TEST_CLIENT_PFX_PASSWORD,
  TEST_CLIENT_PFX_PATH,
  TEST_OTHER_CERTIFICATE_PATH,
} from '../idp/index.js';
import { expireStoredTokens, readStoredSessions } from '../support/idp-session.js';
import { requires } from '../support/requires.js';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
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

  test('a missing file or a PEM without a key is exit 6 before any request, saying what to do', async () => {
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

/** The certificates of client.pem, as x5c carries them (standard base64 DER), leaf first. */
function pemChain(): string[] {
  const pem = readFileSync(TEST_CLIENT_CERTIFICATE_PATH, 'utf8');
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----\n([\s\S]*?)\n-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\n/g, ''));
}

/** One error sentence on stderr (--verbose adds its own lines): no stack trace, and never the password. */
function assertOneSentence(stderr: string, ...secrets: string[]): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.filter((line) => line.startsWith('azsess: error: ')).length, 1, stderr);
  assert.ok(lines.every((line) => line.startsWith('azsess: ')), stderr);
  assert.doesNotMatch(stderr, /\bat \S+ \(|Error:/);
  for (const secret of secrets) assert.ok(!stderr.includes(secret), 'the password is never printed');
}

describe('client credentials with a PKCS#12 certificate', () => {
  test("OpenSSL 3's default form (AES-256-CBC, PBKDF2, SHA-256 MAC) signs like its PEM; --send-certificate-chain sends the file's chain", async () => {
    const r = await run(['--send-certificate-chain', '--verbose'], certEnv({ AZURE_CLIENT_CERTIFICATE_PATH: TEST_CLIENT_PFX_PATH, AZURE_CLIENT_CERTIFICATE_PASSWORD: TEST_CLIENT_PFX_PASSWORD }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(decodeJwt(r.stdout.trim()).appidacr, '2', 'the IdP took it as a certificate credential');
    const { header } = lastAssertion();
    assert.equal(header.alg, 'PS256');
    assert.deepEqual(header.x5c, pemChain(), 'the leaf, then the CA certificate of the file');
    assert.ok(!r.stderr.includes(TEST_CLIENT_PFX_PASSWORD));
  });

  test('the legacy form (3DES key bag, RC2-40 certificate bag, SHA-1 MAC) opens with the password on stdin', async () => {
    const r = await run(['--client-certificate', TEST_CLIENT_LEGACY_PFX_PATH, '--client-certificate-password-stdin', '--send-certificate-chain'], certEnv(), `${TEST_CLIENT_PFX_PASSWORD}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(decodeJwt(r.stdout.trim()).appidacr, '2');
    assert.deepEqual(lastAssertion().header.x5c, pemChain());
  });

  test('a wrong password, or none, is one sentence and exit 6 before any request, in both forms', async () => {
    for (const path of [TEST_CLIENT_PFX_PATH, TEST_CLIENT_LEGACY_PFX_PATH]) {
      const wrong = await run(['--verbose'], certEnv({ AZURE_CLIENT_CERTIFICATE_PATH: path, AZURE_CLIENT_CERTIFICATE_PASSWORD: 'not-the-pfx-password' }));
      assert.equal(wrong.code, 6, wrong.stderr);
      assert.match(wrong.stderr, /The password of the PKCS#12 file \S+\.pfx is wrong \(the MAC does not verify\); check AZURE_CLIENT_CERTIFICATE_PASSWORD or --client-certificate-password-stdin\./);
      assertOneSentence(wrong.stderr, 'not-the-pfx-password', TEST_CLIENT_PFX_PASSWORD);
      const none = await run([], certEnv({ AZURE_CLIENT_CERTIFICATE_PATH: path }));
      assert.equal(none.code, 6, none.stderr);
      assert.match(none.stderr, /The PKCS#12 file \S+\.pfx is protected by a password: set AZURE_CLIENT_CERTIFICATE_PASSWORD or --client-certificate-password-stdin\./);
      assertOneSentence(none.stderr);
    }
    assert.equal(fx.idp.requests.count(), 0);
  });

  test('files made by openssl: without a password, 3DES for both bags as Windows exports, without a MAC; with no certificate for the key, or a lone DER certificate, it says which', { skip: requires('openssl') }, async () => {
    const pem = readFileSync(TEST_CLIENT_CERTIFICATE_PATH, 'utf8');
    const key = join(fx.tmp.userHome, 'client.key');
    writeFileSync(key, /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----\n/.exec(pem)![0]);
    const openssl = async (...args: string[]) => {
      const r = await runCommand('openssl', args, { env: { PATH: process.env.PATH ?? '' } });
      assert.equal(r.code, 0, r.stderr);
    };
    const file = (name: string) => join(fx.tmp.userHome, name);
    await openssl('pkcs12', '-export', '-in', TEST_CLIENT_CERTIFICATE_PATH, '-inkey', key, '-out', file('open.p12'), '-passout', 'pass:');
    const windows = ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'];
    await openssl('pkcs12', '-export', ...windows, '-in', TEST_CLIENT_CERTIFICATE_PATH, '-inkey', key, '-out', file('windows.pfx'), '-passout', 'pass:windows-pass');
    await openssl('pkcs12', '-export', '-nomac', '-in', TEST_CLIENT_CERTIFICATE_PATH, '-inkey', key, '-out', file('nomac.p12'), '-passout', 'pass:nomac-pass');
    await openssl('pkcs12', '-export', '-nocerts', '-inkey', key, '-out', file('key-only.p12'), '-passout', 'pass:key-only-pass');
    await openssl('x509', '-in', TEST_CLIENT_CERTIFICATE_PATH, '-outform', 'DER', '-out', file('client.cer'));

    const open = await run(['--client-certificate', file('open.p12'), '--send-certificate-chain']);
    assert.equal(open.code, 0, open.stderr);
    assert.deepEqual(lastAssertion().header.x5c, pemChain());
    const windowsForm = await run(['--clear-cache', '--client-certificate', file('windows.pfx')], certEnv({ AZURE_CLIENT_CERTIFICATE_PASSWORD: 'windows-pass' }));
    assert.equal(windowsForm.code, 0, windowsForm.stderr);
    const noMac = await run(['--clear-cache', '--client-certificate', file('nomac.p12')], certEnv({ AZURE_CLIENT_CERTIFICATE_PASSWORD: 'nomac-pass' }));
    assert.equal(noMac.code, 0, noMac.stderr);
    const noMacWrong = await run(['--clear-cache', '--client-certificate', file('nomac.p12')], certEnv({ AZURE_CLIENT_CERTIFICATE_PASSWORD: 'other-pass' }));
    assert.equal(noMacWrong.code, 6);
    assert.match(noMacWrong.stderr, /The password of the PKCS#12 file \S+nomac\.p12 is wrong \(the private key could not be decrypted\)/);
    assertOneSentence(noMacWrong.stderr, 'other-pass', 'nomac-pass');

    const requests = fx.idp.requests.count();
    const keyOnly = await run(['--clear-cache', '--client-certificate', file('key-only.p12')], certEnv({ AZURE_CLIENT_CERTIFICATE_PASSWORD: 'key-only-pass' }));
    assert.equal(keyOnly.code, 6);
    assert.match(keyOnly.stderr, /The PKCS#12 file \S+key-only\.p12 holds a private key but no certificate; export it again with the key's certificate\./);
    assertOneSentence(keyOnly.stderr, 'key-only-pass');
    const der = await run(['--clear-cache', '--client-certificate', file('client.cer')]);
    assert.equal(der.code, 6);
    assert.match(der.stderr, /client\.cer is neither a PEM file nor a readable PKCS#12 file \(/);
    assertOneSentence(der.stderr);
    assert.equal(fx.idp.requests.count(), requests, 'no request for a file that cannot be used');
  });
});
