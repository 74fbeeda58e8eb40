import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestIdp, type TestIdp } from './entra.js';
import { RESOURCES } from './entra-resources.js';
import { assertEntraError, endpoint } from './self-test-support.js';
import { decodeJwt, postForm } from './test-tools.js';

/** Two apps of one organisation under one host: only the path of their app ID URI tells them apart. */
describe('test IdP: apps under one host', () => {
  let idp: TestIdp;
  before(async () => { idp = await startTestIdp(); });
  after(() => idp.close());

  const ask = (scope: string) =>
    postForm(endpoint(idp, 'token'), { grant_type: 'client_credentials', client_id: idp.confidentialClientId, client_secret: idp.clientSecret, scope });

  test('each app gets a token whose aud is its own app ID URI, whatever the spelling', async () => {
    for (const [asked, aud] of [
      [`${RESOURCES.orders}/.default`, RESOURCES.orders],
      [`${RESOURCES.payroll}/.default`, RESOURCES.payroll],
      ['API://Contoso.Example/Payroll/.default', RESOURCES.payroll],
      [`${RESOURCES.app1}/.default`, RESOURCES.app1],
      [`${RESOURCES.app2}/.default`, RESOURCES.app2],
    ] as const) {
      const token = await ask(asked);
      assert.equal(token.status, 200, JSON.stringify(token.json));
      assert.equal(decodeJwt(token.json.access_token).aud, aud, asked);
    }
  });

  test('the host alone, or an app that is not registered, is AADSTS500011, as in Entra', async () => {
    for (const scope of ['api://contoso.example/.default', 'https://contoso.example/.default', 'api://contoso.example/invoices/.default']) {
      assertEntraError(await ask(scope), 400, 'invalid_resource', 500011);
    }
  });
});
