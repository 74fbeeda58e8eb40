import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../../src/domain/errors.js';
import { parsePkcs12File } from '../../../src/oauth/pkcs12-credential.js';
import { readPkcs12 } from '../../../src/oauth/pkcs12.js';
import { rc2CbcDecrypt } from '../../../src/oauth/rc2.js';
import { TEST_CLIENT_CERTIFICATE_PATH, TEST_CLIENT_LEGACY_PFX_PATH, TEST_CLIENT_PFX_PASSWORD, TEST_CLIENT_PFX_PATH } from '../../idp/constants.js';
import { partsOf, plainPkcs12 } from '../../support/pkcs12-files.js';
import { requires } from '../../support/requires.js';
import { runCommand } from '../../support/run-command.js';

const pem = readFileSync(TEST_CLIENT_CERTIFICATE_PATH, 'utf8');
const pkcs8 = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
const [leaf, ca] = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)!.map((c) => new X509Certificate(c).raw);

test("RC2-CBC decrypts what OpenSSL's legacy provider encrypts, with 40- and 128-bit keys", () => {
  // Node's own RC2 is the oracle: it needs the legacy provider, so a child process started with it.
  const cases = [5, 16].flatMap((keyLength) => [1, 7, 8, 9, 64, 333].map((size) => ({ keyLength, key: randomBytes(keyLength), iv: randomBytes(8), plain: randomBytes(size) })));
  const script = `const c = require('node:crypto'); process.stdout.write(JSON.stringify(JSON.parse(require('node:fs').readFileSync(0, 'utf8')).map(({ keyLength, key, iv, plain }) => {
    const e = c.createCipheriv(keyLength === 5 ? 'rc2-40-cbc' : 'rc2-cbc', Buffer.from(key, 'hex'), Buffer.from(iv, 'hex'));
    return Buffer.concat([e.update(Buffer.from(plain, 'hex')), e.final()]).toString('hex');
  })));`;
  const input = JSON.stringify(cases.map((c) => ({ keyLength: c.keyLength, key: c.key.toString('hex'), iv: c.iv.toString('hex'), plain: c.plain.toString('hex') })));
  const r = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', script], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const encrypted = (JSON.parse(r.stdout) as string[]).map((hex) => Buffer.from(hex, 'hex'));
  cases.forEach(({ keyLength, key, iv, plain }, i) => {
    assert.deepEqual(rc2CbcDecrypt(key, keyLength * 8, iv, encrypted[i]!), plain);
    const wrong = rc2CbcDecrypt(Buffer.from(key.map((b) => b ^ 1)), keyLength * 8, iv, encrypted[i]!);
    assert.ok(wrong === undefined || !wrong.equals(plain));
  });
});

test('both forms of the checked-in files read to the same key and certificates, with their localKeyId', () => {
  for (const path of [TEST_CLIENT_PFX_PATH, TEST_CLIENT_LEGACY_PFX_PATH]) {
    const contents = readPkcs12(readFileSync(path), TEST_CLIENT_PFX_PASSWORD);
    assert.equal(contents.keys.length, 1);
    assert.ok(createPrivateKey({ key: contents.keys[0]!.der, format: 'der', type: 'pkcs8' }).equals(createPrivateKey(pem)));
    assert.deepEqual(contents.certificates.map((c) => c.der), [leaf, ca]);
    assert.deepEqual(contents.certificates[0]!.localKeyId, contents.keys[0]!.localKeyId);
  }
});

test('the MAC is checked before anything is decrypted: a file edited after it was made fails on it', () => {
  const file = Buffer.from(readFileSync(TEST_CLIENT_PFX_PATH));
  const { authSafe } = partsOf(file);
  authSafe[authSafe.length - 1]! ^= 0xff;
  assert.throws(() => readPkcs12(file, TEST_CLIENT_PFX_PASSWORD), { reason: 'password', detail: 'the MAC does not verify' });
});

test('a file with two keys, or with no certificate of its key, says which; a non-RSA key is refused', () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'der' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' });
  const cases: Array<[Buffer, RegExp]> = [
    [plainPkcs12([pkcs8, other], [leaf!, ca!]), /^The PKCS#12 file x\.pfx holds 2 private keys; azsess needs a file with one key and its certificate/],
    [plainPkcs12([], [leaf!]), /^The PKCS#12 file x\.pfx holds no private key/],
    [plainPkcs12([pkcs8], []), /^The PKCS#12 file x\.pfx holds a private key but no certificate/],
    [plainPkcs12([other], [leaf!, ca!]), /^None of the 2 certificates in the PKCS#12 file x\.pfx belongs to its private key/],
    [plainPkcs12([ec], [leaf!]), /^The private key in x\.pfx is ec; Entra ID client certificates must be RSA/],
  ];
  for (const [file, message] of cases) assert.throws(() => parsePkcs12File(file, 'x.pfx', undefined), (e: unknown) => e instanceof ConfigError && message.test(e.message));
  const chain = parsePkcs12File(plainPkcs12([pkcs8], [ca!, leaf!]), 'x.pfx', undefined);
  assert.deepEqual(chain.chain.map((c) => c.subject), ['CN=azsess test client', 'CN=azsess test CA'], 'the leaf first, wherever it is');
});

test('a password beyond ASCII opens both forms: BMPString for the MAC and the PKCS#12 PBEs, UTF-8 for PBKDF2, as OpenSSL hashes it', { skip: requires('openssl') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'azsess-pkcs12-'));
  try {
    const keyFile = join(dir, 'client.key');
    writeFileSync(keyFile, createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }));
    const password = 'pässwörd-€-😀';
    for (const form of [[], ['-legacy']]) {
      const out = join(dir, `client${form.join('')}.pfx`);
      const r = await runCommand('openssl', ['pkcs12', '-export', ...form, '-in', TEST_CLIENT_CERTIFICATE_PATH, '-inkey', keyFile, '-out', out, '-passout', 'env:PFX_PASS'], {
        env: { PATH: process.env.PATH ?? '', PFX_PASS: password },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(parsePkcs12File(readFileSync(out), out, password).leaf.subject, 'CN=azsess test client');
      assert.throws(() => parsePkcs12File(readFileSync(out), out, 'passsword'), /is wrong \(the MAC does not verify\)/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
