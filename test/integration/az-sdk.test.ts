import assert from 'node:assert/strict';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { decodeJwt, GRAPH_APP_ID, RESOURCES, TEST_USERS } from '../idp/index.js';
import { setupAzLink } from '../support/az-link.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { distTest, repoRoot } from '../support/paths.js';
import { requires } from '../support/requires.js';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
import { debianPython } from '../support/serve-process.js';

/**
 * The Azure SDKs' AzureCliCredential through the `az` of `azsess setup az`, as their users run
 * them: the program is configured by nothing but PATH, whose first directory holds the link. (The
 * test IdP stands in for Entra: azsess finds it by AZURE_AUTHORITY_HOST, which a user would not
 * set; its tenant is in azsess's manifest.)
 */

const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const alice = TEST_USERS[0]!;
let linkDir = '';

/** What the SDK program gets: PATH with the link first, no node on it, a home, a time zone not UTC. */
const sdkEnv = () => ({ PATH: `${linkDir}:/usr/bin:/bin`, HOME: fx.tmp.userHome, LANG: 'C.UTF-8', TZ: 'America/Los_Angeles', AZURE_AUTHORITY_HOST: fx.idp.url });

beforeEach(async () => {
  const manifest = await runCli(['write-manifest', '--tenant', fx.idp.tenantId], { userHome: fx.tmp.userHome });
  assert.equal(manifest.code, 0, manifest.stderr);
  linkDir = (await setupAzLink(fx.tmp.userHome)).dir;
});

async function login(): Promise<void> {
  const r = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: { AZURE_AUTHORITY_HOST: fx.idp.url } });
  assert.equal(r.code, 0, r.stderr);
}

interface SdkAnswer {
  tokens: string[];
  errors: string[];
  expires_on?: number[];
}

async function jsCli(kind: 'cli' | 'default', scopes: string[]): Promise<SdkAnswer> {
  const script = join(distTest, 'support', 'sdk-clients', 'azure-cli-credential-js.js');
  const r = await runCommand(process.execPath, [script, kind, ...scopes], { env: sdkEnv(), timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as SdkAnswer;
}

async function pythonCli(scopes: string[]): Promise<SdkAnswer> {
  const script = join(repoRoot, 'test', 'support', 'sdk-clients', 'azure_cli_credential_python.py');
  const r = await runCommand(debianPython, [script, ...scopes], { env: sdkEnv(), timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as SdkAnswer;
}

const scopes = ['https://management.azure.com/.default', 'https://storage.azure.com/.default', 'https://vault.azure.net/.default', 'https://graph.microsoft.com/.default'];
const audiences = [RESOURCES.arm, RESOURCES.storage, RESOURCES.keyVault, GRAPH_APP_ID];

function assertAlicesTokens(answer: SdkAnswer): void {
  assert.deepEqual(answer.errors, []);
  assert.equal(answer.tokens.length, scopes.length);
  answer.tokens.forEach((token, i) => {
    const claims = decodeJwt(token);
    assert.equal(claims.aud, audiences[i], scopes[i]);
    assert.equal(claims.oid, alice.oid);
  });
  const stored = readStoredSessions(fx.tmp.home);
  for (const token of answer.tokens) assert.ok(stored.some((s) => s.token === token), 'each is a stored session\'s token');
}

describe('the Azure SDKs through the az of azsess setup az', () => {
  test('JavaScript AzureCliCredential: "unavailable" before a sign-in, then the signed-in person\'s tokens for several resources', async () => {
    const before = await jsCli('cli', [scopes[0]!]);
    assert.deepEqual(before.tokens, []);
    assert.match(before.errors[0] ?? '', /^CredentialUnavailableError: Please run 'az login'/);
    await login();
    assertAlicesTokens(await jsCli('cli', scopes));
    fx.idp.requests.reset();
    const again = await jsCli('cli', scopes);
    assert.equal(fx.idp.requests.count(), 0, 'cache hits: no request');
    assert.equal(again.tokens.length, scopes.length);
  });

  test('JavaScript DefaultAzureCredential reaches AzureCliCredential and gets the tokens; unavailable before a sign-in', async () => {
    const before = await jsCli('default', [scopes[0]!]);
    assert.deepEqual(before.tokens, []);
    assert.match(before.errors[0] ?? '', /CredentialUnavailableError/);
    assert.match(before.errors[0] ?? '', /\nCredentialUnavailableError: Please run 'az login'/, 'AzureCliCredential\'s own message in the chain');
    await login();
    assertAlicesTokens(await jsCli('default', scopes));
  });

  test('Python (Debian python3-azure) AzureCliCredential: unavailable before a sign-in, then the tokens, expiry from expiresOn in local time', { skip: requires('python3-azure') }, async () => {
    const before = await pythonCli([scopes[0]!]);
    assert.deepEqual(before.tokens, []);
    assert.match(before.errors[0] ?? '', /^CredentialUnavailableError: Please run 'az login'/);
    await login();
    const answer = await pythonCli(scopes);
    assertAlicesTokens(answer);
    const stored = readStoredSessions(fx.tmp.home);
    answer.tokens.forEach((token, i) => {
      const session = stored.find((s) => s.token === token)!;
      assert.equal(answer.expires_on![i], Math.floor(session.expiry.getTime() / 1000), 'this Python reads expiresOn only: the local time is right');
    });
  });
});
