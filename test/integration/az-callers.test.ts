import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, RESOURCES, TEST_OTHER_TENANT_ID, TEST_USERS } from '../idp/index.js';
import { azIdpEnv, azToolEnv, runAzThroughShell, setupAzLink } from '../support/az-link.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';

/**
 * The exact command lines of the other callers of `az` (no client of theirs runs here: Go, .NET,
 * Java and Terraform are not on this machine), run as they run them (/bin/sh -c, from /bin, PATH
 * with the link first), and their answers read field by field as each caller reads them. Sources,
 * as in /work/shared/reference/az-compat-and-sources.md:
 * - Go: Azure/azure-sdk-for-go sdk/azidentity/azure_cli_credential.go (also azd with
 *   auth.useAzCliAuth, and kubelogin -l azurecli: Azure/kubelogin pkg/internal/token/azurecli.go);
 * - .NET: Azure/azure-sdk-for-net sdk/identity/Azure.Identity/src/Credentials/AzureCliCredential.cs;
 * - Java: Azure/azure-sdk-for-java sdk/identity/azure-identity/src/main/java/com/azure/identity/implementation/IdentityClientBase.java;
 * - Terraform azurerm/azuread: hashicorp/go-azure-sdk sdk/auth/azure_cli_authorizer.go and sdk/internal/azurecli/azcli.go.
 */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const alice = TEST_USERS[0]!;

async function signedInLink(): Promise<Record<string, string>> {
  const r = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: azIdpEnv(fx.idp) });
  assert.equal(r.code, 0, r.stderr);
  const { dir } = await setupAzLink(fx.tmp.userHome);
  // Not UTC, with daylight saving time: the naive local expiresOn must still name the right instant.
  return azToolEnv(fx.idp, fx.tmp.userHome, dir, { TZ: 'Europe/Berlin' });
}

/** The instant a naive local `YYYY-MM-DD HH:MM:SS.ffffff` names in Europe/Berlin (as Go's time.ParseInLocation(..., time.Local)). */
function berlinEpoch(local: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})$/.exec(local);
  assert.ok(m, `naive local time with microseconds: ${local}`);
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  for (const offset of [3600, 7200]) {
    const candidate = asUtc - offset;
    const back = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(candidate * 1000));
    if (back === local.slice(0, 19)) return candidate;
  }
  throw new Error(`${local} is no time in Europe/Berlin`);
}

function storedExpiry(token: string): number {
  const session = readStoredSessions(fx.tmp.home).find((s) => s.token === token);
  assert.ok(session, 'the token of a stored session');
  return Math.floor(session.expiry.getTime() / 1000);
}

describe('the callers of az, by their exact command lines', () => {
  test('Go azidentity (and azd, kubelogin): -o json --resource R [--tenant T] [--subscription "S"]; expires_on must be a JSON integer', async () => {
    const env = await signedInLink();
    for (const command of [
      'az account get-access-token -o json --resource https://management.azure.com',
      `az account get-access-token -o json --resource https://storage.azure.com --tenant ${TEST_OTHER_TENANT_ID}`,
      'az account get-access-token -o json --resource https://vault.azure.net --subscription "00000000-0000-4000-8000-00000000005b"',
    ]) {
      const r = await runAzThroughShell(command, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      // Go decodes into `ExpiresOn int64 json:"expires_on"`: a number, no quotes.
      assert.match(r.stdout, /"expires_on": \d+,\n/, command);
      const out = JSON.parse(r.stdout) as { accessToken: string; expires_on: number; expiresOn: string };
      assert.equal(out.expires_on, storedExpiry(out.accessToken));
      assert.equal(berlinEpoch(out.expiresOn), out.expires_on, 'the fallback Go reads when expires_on is 0');
    }
    const sub = JSON.parse((await runAzThroughShell('az account get-access-token -o json --resource https://vault.azure.net --subscription "00000000-0000-4000-8000-00000000005b"', env)).stdout) as Record<string, string>;
    assert.equal(sub.subscription, '00000000-0000-4000-8000-00000000005b', 'the shell took the quotes off');
  });

  test('kubelogin -l azurecli: the AKS server id, a bare GUID, as --resource', async () => {
    const env = await signedInLink();
    const r = await runAzThroughShell(`az account get-access-token -o json --resource ${RESOURCES.aks} --tenant ${fx.idp.tenantId}`, env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { accessToken: string; expires_on: number };
    assert.equal(decodeJwt(out.accessToken).aud, RESOURCES.aks);
    assert.ok(Number.isInteger(out.expires_on));
  });

  test('.NET Azure.Identity: --output json --resource R [--tenant T]; expires_on read with GetInt64', async () => {
    const env = await signedInLink();
    const r = await runAzThroughShell(`az account get-access-token --output json --resource https://management.azure.com --tenant ${fx.idp.tenantId}`, env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(typeof out.expires_on, 'number');
    assert.ok(Number.isSafeInteger(out.expires_on));
    assert.equal(typeof out.accessToken, 'string');
    assert.equal(decodeJwt(out.accessToken as string).aud, RESOURCES.arm);
  });

  test('Java azure-identity: stderr merged into stdout, so the merged output must be the JSON alone', async () => {
    const env = await signedInLink();
    const r = await runAzThroughShell('az account get-access-token --output json --resource https://storage.azure.com 2>&1', env);
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout) as { accessToken: string; expiresOn: string; expires_on: number };
    assert.equal(decodeJwt(out.accessToken).aud, RESOURCES.storage);
    assert.equal(berlinEpoch(out.expiresOn), out.expires_on);
  });

  test('Terraform azurerm/azuread: version -o=json in [2.30, 3.0); account show -o=json; get-access-token --scope <endpoint>/.default [--tenant T] -o=json, expiresOn the only expiry it reads', async () => {
    const env = await signedInLink();
    const version = await runAzThroughShell('az version -o=json', env);
    assert.equal(version.code, 0, version.stderr);
    const [major, minor] = (JSON.parse(version.stdout) as Record<string, string>)['azure-cli']!.split('.').map(Number);
    assert.ok(major === 2 && minor! >= 30, 'go-azure-sdk refuses below 2.30.0 and from 3.0.0');
    // accountShow reads id, tenantId, homeTenantId, isDefault, name, state, managedByTenants, user.{name,type};
    // before a listing this is a tenant-level account, which has no homeTenantId or managedByTenants in az either.
    const show = JSON.parse((await runAzThroughShell('az account show -o=json', env)).stdout) as Record<string, unknown>;
    assert.equal(show.tenantId, fx.idp.tenantId);
    assert.equal(show.id, fx.idp.tenantId);
    assert.equal(show.isDefault, true);
    assert.equal(show.state, 'Enabled');
    assert.equal(show.homeTenantId, undefined);
    assert.equal(show.managedByTenants, undefined);
    assert.deepEqual(show.user, { name: alice.username, type: 'user' });
    for (const command of [
      'az account get-access-token --scope https://management.azure.com//.default -o=json',
      `az account get-access-token --scope https://graph.microsoft.com//.default --tenant ${fx.idp.tenantId} -o=json`,
    ]) {
      const r = await runAzThroughShell(command, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const out = JSON.parse(r.stdout) as { accessToken: string; expiresOn: string; expires_on: number; tenant: string; tokenType: string };
      assert.equal(out.tokenType, 'Bearer');
      assert.equal(out.tenant, fx.idp.tenantId);
      assert.equal(decodeJwt(out.accessToken).oid, alice.oid);
      assert.equal(berlinEpoch(out.expiresOn), storedExpiry(out.accessToken), command);
    }
  });
});
