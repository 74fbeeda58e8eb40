import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { azureCliClientId } from '../../../src/az/az-import.js';
import { importAzSessions, type AzImportedPerson } from '../../../src/az/az-import-run.js';
import { silentLog } from '../../../src/domain/log.js';
import { readAzSubscriptions } from '../../../src/store/az-subscriptions-read.js';
import { readSessions } from '../../../src/store/sessions.js';
import { writeAzConfig, type AzProfileEntry } from '../../support/az-config.js';
import { makeTmpHome } from '../../support/tmp-home.js';

/**
 * `azsess import az`'s use case, without the command line: az's files in, sessions and
 * subscriptions in the home, and what there is to say out (the command only parses and prints).
 */
const alice = { username: 'alice@contoso.example', oid: '11111111-1111-4111-8111-111111111111' };
const home = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const guest = '33333333-3333-4333-8333-333333333333';

const subscription = (id: string, tenantId: string, isDefault: boolean, type: 'user' | 'servicePrincipal' = 'user', name = alice.username): AzProfileEntry => ({
  id, name: `sub ${id.slice(0, 4)}`, tenantId, isDefault, user: { name, type },
});

test("az's sign-in becomes sessions and subscriptions in the home; each person is said once stored, the service principals are counted, and the client id setting is given back", async () => {
  const tmp = makeTmpHome();
  try {
    const dir = join(tmp.userHome, 'az-config');
    writeAzConfig(
      dir,
      [{ username: alice.username, oid: alice.oid, homeTenant: home, realms: [home, guest], environment: 'login.microsoftonline.com', refreshToken: 'az-refresh-token' }],
      [
        subscription('aaaaaaaa-0000-4000-8000-000000000001', home, true),
        subscription('aaaaaaaa-0000-4000-8000-000000000002', guest, false),
        subscription('bbbbbbbb-0000-4000-8000-000000000003', home, false, 'servicePrincipal', 'app-id'),
      ],
    );
    const now = new Date();
    const said: AzImportedPerson[] = [];
    const report = await importAzSessions(
      { configDir: dir, env: { AZURE_CLIENT_ID: azureCliClientId }, homedir: tmp.userHome },
      { home: tmp.home, deadline: now.getTime() + 10_000, log: silentLog, now: () => now },
      (person) => said.push(person),
    );
    assert.deepEqual(said, [{ name: alice.username, tenants: 3, subscriptions: 2, dir }], 'her two tenants and the default meta tenant');
    assert.equal(report.servicePrincipals, 1);
    assert.deepEqual(report.clientId, { value: azureCliClientId, source: 'environment', origin: 'AZURE_CLIENT_ID' });
    const doc = await readSessions(tmp.home, { deadline: now.getTime() + 10_000, log: silentLog });
    assert.deepEqual(doc.sessions.map((s) => s.tenant).sort(), [guest, home, 'organizations'].sort());
    for (const s of doc.sessions) assert.deepEqual([s.refreshToken, s.account, s.clientId], ['az-refresh-token', alice.username, azureCliClientId]);
    assert.deepEqual(readAzSubscriptions(tmp.home).map((a) => a.id).sort(), ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002']);
  } finally {
    tmp.cleanup();
  }
});
