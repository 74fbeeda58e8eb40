import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveHelperQuery, resolveQuery } from '../../../src/core/resolve-query.js';

const appEnv = {
  AZSESS_PROTOCOL: 'client-credentials',
  AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
  AZURE_CLIENT_ID: 'app',
  AZURE_CLIENT_CERTIFICATE_PATH: '/nowhere/app.pem',
};

function withHome(body: (home: string) => void): void {
  const home = mkdtempSync(join(tmpdir(), 'azsess-query-'));
  try {
    body(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

test("a command's query takes the certificate from the environment; a credential helper's does not", () => {
  withHome((home) => {
    const token = resolveQuery({ scope: ['https://vault.azure.net/.default'] }, appEnv, home, { certificatePassword: 'pw' });
    assert.equal(token.certificate?.path, '/nowhere/app.pem');
    assert.equal(token.certificate?.password, 'pw');
    const helper = resolveHelperQuery({}, appEnv, home, 'https://vault.azure.net/.default');
    assert.equal(helper.certificate, undefined);
    assert.equal(helper.protocol, token.protocol);
  });
});

test('flags win over the environment, and the default scope serves only when none is named', () => {
  withHome((home) => {
    const env = { AZURE_TENANT_ID: 'contoso.onmicrosoft.com' };
    const flagged = resolveQuery({ tenant: 'fabrikam.onmicrosoft.com', scope: ['https://storage.azure.com/.default'] }, env, home, { defaultScope: 'aks/.default' });
    assert.equal(flagged.tenant, 'fabrikam.onmicrosoft.com');
    assert.ok(flagged.scope.includes('https://storage.azure.com/.default'));
    assert.ok(!flagged.scope.includes('aks/.default'));
    const aks = resolveQuery({}, env, home, { defaultScope: '6dae42f8-4368-4678-94ff-3960e28e3630/.default' });
    assert.ok(aks.scope.includes('6dae42f8-4368-4678-94ff-3960e28e3630/.default'));
  });
});
