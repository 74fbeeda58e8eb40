import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../src/domain/errors.js';
import { parsePkcs12File } from '../../src/oauth/pkcs12-credential.js';
import { Pkcs12Error, readPkcs12 } from '../../src/oauth/pkcs12.js';
import { TEST_CLIENT_LEGACY_PFX_PATH, TEST_CLIENT_PFX_PASSWORD, TEST_CLIENT_PFX_PATH } from '../idp/constants.js';
import { oidsIn, partsOf, remac } from '../support/pkcs12-files.js';

/**
 * The PKCS#12 reader (our own, on node:crypto) against damaged files: whatever the bytes, the answer
 * is a credential or a ConfigError of one sentence that never quotes the password.
 */
const files = [readFileSync(TEST_CLIENT_PFX_PATH), readFileSync(TEST_CLIENT_LEGACY_PFX_PATH)];

function assertClean(file: Buffer, password: string | undefined): 'ok' | string {
  try {
    parsePkcs12File(file, 'f.pfx', password);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${(err as Error).stack}`);
    assert.doesNotMatch(err.message, /\n/);
    assert.ok(!err.message.includes(TEST_CLIENT_PFX_PASSWORD));
    return err.message;
  }
}

test('every truncation of both forms is a clean "malformed" error', () => {
  for (const file of files) {
    for (let n = 0; n < file.length; n++) {
      assert.throws(() => readPkcs12(file.subarray(0, n), TEST_CLIENT_PFX_PASSWORD), (e: unknown) => e instanceof Pkcs12Error && e.reason === 'malformed');
    }
  }
});

test('a byte changed anywhere, or bytes appended, is a clean error; a change under the MAC fails on the MAC', () => {
  fc.assert(
    fc.property(fc.constantFrom(0, 1), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, at, xor) => {
      const file = Buffer.from(files[which]!);
      file[at % file.length]! ^= xor;
      assert.notEqual(assertClean(file, TEST_CLIENT_PFX_PASSWORD), 'ok');
    }),
    { numRuns: 400 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (tail) => {
      assert.match(assertClean(Buffer.concat([files[0]!, tail]), TEST_CLIENT_PFX_PASSWORD), /neither a PEM file nor a readable PKCS#12 file/);
    }),
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      assertClean(Buffer.concat([Buffer.from([0x30]), bytes]), undefined);
    }),
    { numRuns: 2000 },
  );
});

test('a byte changed under a MAC made anew (what the MAC cannot catch) is still a clean error or a credential', () => {
  fc.assert(
    fc.property(fc.constantFrom(0, 1), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, at, xor) => {
      const file = Buffer.from(files[which]!);
      const { authSafe } = partsOf(file);
      authSafe[at % authSafe.length]! ^= xor;
      remac(file, TEST_CLIENT_PFX_PASSWORD);
      assertClean(file, TEST_CLIENT_PFX_PASSWORD);
    }),
    { numRuns: 150 },
  );
});

test('an unknown OID anywhere in the clear structure, the MAC made anew, is a clean error or is skipped', () => {
  const unsupported: string[] = [];
  const damaged: string[] = [];
  for (const original of files) {
    for (let i = 0; i < oidsIn(original).length; i++) {
      const file = Buffer.from(original);
      const element = oidsIn(file)[i]!;
      element.body[element.body.length - 1]! ^= 0x01;
      remac(file, TEST_CLIENT_PFX_PASSWORD);
      const message = assertClean(file, TEST_CLIENT_PFX_PASSWORD);
      if (/which azsess does not read/.test(message)) unsupported.push(message);
      if (/could not be decrypted although the MAC verifies: the file is damaged/.test(message)) damaged.push(message);
    }
  }
  // The cipher, the key derivation and the content types at least are named as unsupported; another
  // PRF that exists (hmacWithSHA256 made hmacWithSHA224) decrypts to nothing: damaged, not a wrong password.
  assert.ok(unsupported.some((m) => /uses the cipher /.test(m)), unsupported.join('\n'));
  assert.ok(unsupported.some((m) => /uses the key derivation /.test(m)), unsupported.join('\n'));
  assert.ok(unsupported.some((m) => /uses the encryption algorithm /.test(m)), unsupported.join('\n'));
  assert.ok(damaged.length > 0);
  const macAlgorithm = Buffer.from(files[0]!);
  const sha256 = macAlgorithm.lastIndexOf(Buffer.from('0609608648016503040201', 'hex'));
  macAlgorithm[sha256 + 10]! ^= 0x0f;
  assert.match(assertClean(macAlgorithm, TEST_CLIENT_PFX_PASSWORD), /uses the MAC algorithm 2\.16\.840\.1\.101\.3\.4\.2\.14, which azsess does not read/);
});
