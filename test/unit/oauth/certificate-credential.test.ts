import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compactVerify, importX509 } from 'jose';
import { ConfigError } from '../../../src/domain/errors.js';
import { parseCertificateFile } from '../../../src/oauth/certificate-credential.js';
import { signClientAssertion } from '../../../src/oauth/client-assertion.js';
import { TEST_CLIENT_CERTIFICATE_PATH } from '../../idp/constants.js';

const pem = readFileSync(TEST_CLIENT_CERTIFICATE_PATH, 'utf8');
const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)!;
const pkcs1 = createPrivateKey(pem).export({ type: 'pkcs1', format: 'pem' }) as string;

test('the key, in PKCS#8 or PKCS#1, finds its own certificate wherever it is; the chain starts with it', () => {
  const reordered = parseCertificateFile(`${certificates[1]}${pkcs1}${certificates[0]}`, 'reordered.pem');
  assert.equal(reordered.leaf.subject, 'CN=azsess test client');
  assert.deepEqual(reordered.chain.map((c) => c.subject), ['CN=azsess test client', 'CN=azsess test CA']);
});

test('files azsess cannot use are ConfigErrors that say what to do', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const cases: Array<[string, RegExp]> = [
    ['\u0030\u0082binary', /not a PEM file; if it is PKCS#12/],
    [certificates.join(''), /holds no private key/],
    [pkcs1, /holds no certificate/],
    [`${ec}${certificates[0]}`, /must be RSA/],
    [`${pkcs1}${certificates[1]}`, /None of the certificates/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseCertificateFile(text, 'x.pem'), (e: unknown) => e instanceof ConfigError && message.test(e.message));
});

test('assertions verify with the certificate in a JOSE library, in both algorithms', async () => {
  const credential = parseCertificateFile(pem, 'client.pem');
  for (const algorithm of ['PS256', 'RS256'] as const) {
    const jwt = signClientAssertion(credential, { audience: 'https://login.example/t/oauth2/v2.0/token', clientId: 'app', jti: 'j', now: new Date(0), algorithm, sendChain: false });
    const { protectedHeader, payload } = await compactVerify(jwt, await importX509(credential.leaf.toString(), algorithm));
    assert.equal(protectedHeader.alg, algorithm);
    assert.deepEqual(JSON.parse(Buffer.from(payload).toString()), { aud: 'https://login.example/t/oauth2/v2.0/token', iss: 'app', sub: 'app', jti: 'j', nbf: 0, iat: 0, exp: 600 });
  }
});
