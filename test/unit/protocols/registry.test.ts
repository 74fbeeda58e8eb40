import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/domain/errors.js';
import { checkCredentialFlags } from '../../../src/core/credential-choice.js';
import { lookupProtocol, protocolChoices, protocolOf, shortProtocolName } from '../../../src/domain/protocol-names.js';
import { protocols as table, type ProtocolEntry, type ProtocolName } from '../../../src/domain/protocol-table.js';
import { loadGrant } from '../../../src/protocols/registry.js';

/** The rows as their interface types them (the table itself is typed to its literals). */
const protocols: ReadonlyArray<ProtocolEntry & { name: ProtocolName }> = table;

test('each row of the table loads a module with a grant', async () => {
  for (const row of protocols) {
    const grant = await loadGrant(row.name);
    assert.equal(typeof grant.acquire, 'function', row.name);
  }
});

test('every name of a row (stored, short, alias, AzSessions.jl prefix, any case) finds that row, and no two rows share one', () => {
  const seen = new Map<string, string>();
  for (const row of protocols) {
    for (const name of [row.name, row.short, ...row.aliases]) {
      assert.equal(seen.get(name.toLowerCase()), undefined, `${name} names two protocols`);
      seen.set(name.toLowerCase(), row.name);
      assert.equal(lookupProtocol(name), row.name, name);
      assert.equal(lookupProtocol(` ${name.toUpperCase()} `), row.name, name);
      assert.equal(lookupProtocol(`AzSessions.${name}`), row.name, name);
    }
    assert.equal(protocolOf(row.name), row);
    assert.equal(shortProtocolName(row.name), row.short);
  }
});

test('the names shown in help, in their order, and AzSessions.jl names are kept hidden', () => {
  assert.deepEqual(protocolChoices, ['device-code', 'auth-code', 'client-credentials', 'vm', 'managed-identity', 'federated', 'workload-identity']);
  assert.equal(lookupProtocol('AzDeviceCodeCredentials'), 'AzDeviceCodeFlowCredentials', "AzSessions.jl's older name");
});

test('rows that fit their kind: user rows keep refresh tokens in the Julia keys, app rows say how they prove themselves', () => {
  for (const row of protocols) {
    assert.equal(row.storedKeys[0], 'protocol', row.name);
    assert.ok(row.storedKeys.includes('expiry') && row.storedKeys.includes('token'), row.name);
    if (row.kind === 'user') assert.ok(row.storedKeys.includes('refresh_token') && !('proof' in row), row.name);
    if (row.kind === 'app') assert.ok('proof' in row, row.name);
    if (row.kind === 'vm') assert.ok(!row.storedKeys.includes('client_id') && !('proof' in row), row.name);
  }
});

test("a flag is one protocol's own at most", () => {
  const owners = new Map<string, string>();
  for (const row of protocols) {
    for (const [key, flag] of Object.entries(row.flags)) {
      assert.equal(owners.get(key), undefined, `${flag} is claimed twice`);
      owners.set(key, row.name);
      assert.match(flag, /^--[a-z][a-z-]+$/);
    }
  }
});

test("a protocol's own flag with another protocol is exit 2, naming the flag and its protocol", () => {
  assert.throws(() => checkCredentialFlags('AzDeviceCodeFlowCredentials', { loginHint: 'alice@example.com' }), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.message, '--login-hint applies to --protocol auth-code only.');
    return true;
  });
  assert.throws(() => checkCredentialFlags('AzVMCredentials', { federatedAudience: 'api://x' }), /^UsageError: --federated-audience applies to --protocol federated only\.$/);
  checkCredentialFlags('AzAuthCodeFlowCredentials', { loginHint: 'alice@example.com', redirectUri: 'http://localhost/' });
  checkCredentialFlags('AzDeviceCodeFlowCredentials', { sendCertificateChain: false });
});
