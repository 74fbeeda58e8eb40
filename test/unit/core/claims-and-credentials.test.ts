import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimsToSend, parseClaimsArgument } from '../../../src/domain/claims.js';
import { checkCredentialFlags, federatedOptions, resolveCertificate, resolveFederatedSource } from '../../../src/core/credential-choice.js';
import { ConfigError, UsageError } from '../../../src/domain/errors.js';

const challenge = '{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}';

test('--claims takes JSON, or base64 of it (standard or URL-safe, padded or not), and gives compact JSON', () => {
  const expected = JSON.stringify(JSON.parse(challenge));
  assert.equal(parseClaimsArgument(` ${challenge.replace(/:/g, ': ')} `), expected);
  const base64 = Buffer.from(challenge).toString('base64');
  for (const encoded of [base64, base64.replace(/=+$/, ''), Buffer.from(challenge).toString('base64url')]) {
    assert.equal(parseClaimsArgument(encoded), expected, encoded);
  }
  for (const bad of ['', 'not json', '[1]', Buffer.from('"text"').toString('base64')]) {
    assert.throws(() => parseClaimsArgument(bad), UsageError, bad);
  }
});

test('CAE merges xms_cc cp1 into the access_token claims, keeping the challenge', () => {
  assert.equal(claimsToSend(challenge, false), challenge);
  assert.equal(claimsToSend(undefined, false), undefined);
  assert.deepEqual(JSON.parse(claimsToSend(undefined, true)!), { access_token: { xms_cc: { values: ['cp1'] } } });
  assert.deepEqual(JSON.parse(claimsToSend(challenge, true)!), {
    access_token: { nbf: { essential: true, value: '1604106651' }, xms_cc: { values: ['cp1'] } },
  });
});

test('auto picks the token source from flags, then AZURE_FEDERATED_TOKEN_FILE, GitHub, Azure Pipelines', () => {
  const everything = { AZURE_FEDERATED_TOKEN_FILE: '/var/run/token', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', SYSTEM_OIDCREQUESTURI: 'https://y', AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: 'sc' };
  assert.deepEqual(resolveFederatedSource({}, everything), { kind: 'file', path: '/var/run/token' });
  assert.deepEqual(resolveFederatedSource({ serviceConnectionId: 'mine' }, everything), { kind: 'azure-pipelines', serviceConnectionId: 'mine' });
  assert.deepEqual(resolveFederatedSource({}, { ...everything, AZURE_FEDERATED_TOKEN_FILE: '' }), { kind: 'github', audience: 'api://AzureADTokenExchange' });
  assert.deepEqual(resolveFederatedSource({}, { SYSTEM_OIDCREQUESTURI: 'https://y', AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: 'sc' }), { kind: 'azure-pipelines', serviceConnectionId: 'sc' });
  assert.deepEqual(resolveFederatedSource({ federatedTokenSource: 'github', federatedAudience: 'api://mine' }, everything), { kind: 'github', audience: 'api://mine' });
  assert.throws(() => resolveFederatedSource({}, {}), ConfigError);
  assert.throws(() => resolveFederatedSource({ federatedTokenSource: 'azure-pipelines' }, {}), ConfigError);
  assert.throws(() => resolveFederatedSource({ federatedTokenSource: 'file', federatedAudience: 'x' }, everything), UsageError);
  assert.deepEqual(federatedOptions({ kind: 'github', audience: 'a' }), { federated_source: 'github', federated_audience: 'a' });
});

test('a certificate comes from the flag or AZURE_CLIENT_CERTIFICATE_*; certificate and federated flags elsewhere are usage errors', () => {
  const env = { AZURE_CLIENT_CERTIFICATE_PATH: '/env.pem', AZURE_CLIENT_CERTIFICATE_PASSWORD: 'pw', AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: 'true' };
  assert.deepEqual(resolveCertificate({}, env), { path: '/env.pem', password: 'pw', algorithm: 'PS256', sendChain: true });
  assert.deepEqual(resolveCertificate({ clientCertificate: '/flag.pem', certificateAlg: 'RS256' }, {}), { path: '/flag.pem', algorithm: 'RS256', sendChain: false });
  assert.equal(resolveCertificate({}, {}), undefined);
  assert.throws(() => resolveCertificate({ sendCertificateChain: true }, {}), UsageError);
  assert.throws(() => checkCredentialFlags('AzDeviceCodeFlowCredentials', { clientCertificate: '/x.pem' }), UsageError);
  assert.throws(() => checkCredentialFlags('AzClientCredentials', { federatedTokenFile: '/t' }), UsageError);
  checkCredentialFlags('AzFederatedCredentials', { federatedTokenFile: '/t' });
});
