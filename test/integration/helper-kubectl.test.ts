import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestIdp, type TestIdp } from '../idp/index.js';
import { makeCertificate } from '../support/certificates.js';
import { entraVerifier } from '../support/entra-verifier.js';
import { AKS_AUDIENCE, startKubeApiFake, type KubeApiFake } from '../support/kube-api-fake.js';
import { azsessBin } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';
import { requires } from '../support/requires.js';

const skip = requires('kubectl', 'openssl');

/**
 * The real kubectl runs `kubectl get --raw /version` against an https API server on loopback that
 * requires a bearer token for the AKS audience; `azsess setup kubectl` wrote the exec plugin.
 */

let idp: TestIdp;
let tmp: TmpHome;
let api: KubeApiFake;
let kubeconfig: string;
let output = '';

function env(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmp.userHome,
    LANG: 'C.UTF-8',
    KUBECONFIG: kubeconfig,
    AZURE_AUTHORITY_HOST: idp.url,
    AZURE_CLIENT_SECRET: idp.clientSecret,
  };
}

async function kubectl(args: string[]) {
  const result = await runCommand('kubectl', args, { env: env() });
  output += result.stdout + result.stderr;
  return result;
}

before(async () => {
  if (skip) return;
  idp = await startTestIdp();
  tmp = makeTmpHome();
  const cert = await makeCertificate(tmp.userHome, 'kube-api');
  api = await startKubeApiFake(cert, await entraVerifier(idp));
  kubeconfig = join(tmp.userHome, 'kubeconfig');
  const ca = Buffer.from(cert.certPem).toString('base64');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- {name: test-aks, cluster: {server: "${api.url}", certificate-authority-data: ${ca}}}`,
      'contexts:',
      '- {name: test-aks, context: {cluster: test-aks, user: nobody}}',
      '- {name: other, context: {cluster: test-aks, user: nobody}}',
      'current-context: test-aks',
      'users:',
      '- {name: nobody, user: {}}',
      '',
    ].join('\n'),
  );
});

after(async () => {
  if (skip) return;
  await api?.close();
  await idp?.close();
  tmp?.cleanup();
});

const setup = (args: string[]) => runCli(['setup', 'kubectl', ...args], { userHome: tmp.userHome, env: env() });

describe('kubectl exec credential plugin through the real kubectl', { skip }, () => {
  test('setup kubectl writes an exec user for the context; kubectl reaches the API server; the second call is a cache hit', async () => {
    idp.requests.reset();
    const wrote = await setup(['--protocol', 'client-credentials', '--tenant', idp.tenantId, '--client-id', idp.confidentialClientId]);
    assert.equal(wrote.code, 0, wrote.stderr);
    assert.match(wrote.stderr, /Pointed kubectl context test-aks at the user azsess-test-aks, which runs azsess:\n- name: azsess-test-aks\n/);
    const first = await kubectl(['get', '--raw', '/version']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as { gitVersion: string }).gitVersion, 'v1.30.0-azsess-test');
    // One token in all: kubectl from the Google Cloud SDK is a dispatcher that runs the plugin for
    // its own /version request too, even during the setup's kubectl calls; Debian's does not.
    assert.equal(idp.requests.count({ endpoint: 'token' }), 1);
    const grant = idp.requests.last({ endpoint: 'token' })!;
    assert.equal(grant.grantType, 'client_credentials');
    assert.equal(grant.form!.scope, `${AKS_AUDIENCE}/.default`);
    assert.ok(api.requests.some((r) => r.path === '/version' && r.outcome === 'ok'));

    idp.requests.reset();
    const second = await kubectl(['get', '--raw', '/version']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(idp.requests.count(), 0, 'the token came from the cache');
    assert.deepEqual(api.requests.filter((r) => r.outcome === 'refused' && r.reason !== 'no bearer token'), []);

    const view = JSON.parse((await kubectl(['config', 'view', '-o', 'json'])).stdout) as {
      users: Array<{ name: string; user: { exec?: { command: string; args: string[]; apiVersion: string; interactiveMode?: string } } }>;
      contexts: Array<{ name: string; context: { user: string } }>;
    };
    const exec = view.users.find((u) => u.name === 'azsess-test-aks')!.user.exec!;
    assert.equal(exec.command, azsessBin);
    assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1beta1');
    assert.deepEqual(exec.args, ['token', '--output', 'exec-credential', '--protocol', 'client-credentials', '--tenant', idp.tenantId, '--client-id', idp.confidentialClientId]);
    // kubectl before 1.30 (Debian's is 1.20) cannot record it; v1beta1 then means IfAvailable anyway.
    const recordsMode = (await kubectl(['config', 'set-credentials', '--help'])).stdout.includes('--exec-interactive-mode');
    assert.equal(exec.interactiveMode, recordsMode ? 'IfAvailable' : undefined);
    assert.deepEqual(view.contexts.map((c) => [c.name, c.context.user]).sort(), [['other', 'nobody'], ['test-aks', 'azsess-test-aks']]);
    assert.deepEqual(idp.issued.findIn(output + wrote.stderr), []);
  });

  test('setup kubectl names a missing context and takes --server-id', async () => {
    const missing = await setup(['--context', 'nope']);
    assert.equal(missing.code, 6);
    assert.match(missing.stderr, /There is no kubectl context 'nope' \(KUBECONFIG, else ~\/\.kube\/config\); list them with kubectl config get-contexts\./);
    const other = await setup(['--context', 'other', '--server-id', 'api://my-aks-server']);
    assert.equal(other.code, 0, other.stderr);
    const view = JSON.parse((await kubectl(['config', 'view', '-o', 'json'])).stdout) as { users: Array<{ name: string; user: { exec?: { args: string[] } } }> };
    assert.deepEqual(view.users.find((u) => u.name === 'azsess-other')!.user.exec!.args, ['token', '--output', 'exec-credential', '--server-id', 'api://my-aks-server']);
  });
});
