import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticationError, ConfigError, ServiceError } from '../../../src/domain/errors.js';
import { parseExchangeResponse, registryEndpoint } from '../../../src/helpers/acr-exchange.js';
import { addCredHelpers, dockerConfigPath } from '../../../src/helpers/docker-config.js';
import { credentialsNotFound, handleDockerCommand, parseAcrHosts, registryHostOf, servesRegistry } from '../../../src/helpers/docker-credential.js';
import type { HttpResponse } from '../../../src/http/types.js';

test('registry hosts: bare or URL; ACR login servers anchored; AZSESS_ACR_HOSTS checked', () => {
  assert.equal(registryHostOf('https://MyReg.azurecr.io/v2/\n'), 'myreg.azurecr.io');
  assert.equal(registryHostOf('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(registryHostOf(''), undefined);
  assert.equal(registryHostOf('https://user@x.io'), undefined);
  for (const yes of ['myreg.azurecr.io', 'gov1.azurecr.us', 'cn1.azurecr.cn']) assert.ok(servesRegistry(yes, []), yes);
  for (const no of ['evil.azurecr.io.example.com', 'my-reg.azurecr.io', 'a.b.azurecr.io', 'azurecr.io', 'myreg.azurecr.io:443', 'docker.io']) {
    assert.ok(!servesRegistry(no, []), no);
  }
  assert.deepEqual(parseAcrHosts(' 127.0.0.1:5000, Reg.Example.com ,'), ['127.0.0.1:5000', 'reg.example.com']);
  assert.ok(servesRegistry('reg.example.com', parseAcrHosts('reg.example.com')));
  assert.throws(() => parseAcrHosts('reg.example.com/path'), ConfigError);
  assert.deepEqual(registryEndpoint('127.0.0.1:5000'), { service: '127.0.0.1:5000', origin: 'http://127.0.0.1:5000' });
  assert.deepEqual(registryEndpoint('myreg.azurecr.io'), { service: 'myreg.azurecr.io', origin: 'https://myreg.azurecr.io' });
});

test('the helper protocol: get, not found, store, erase, list, version, usage', async () => {
  const erased: string[] = [];
  const deps = {
    acrHosts: [],
    version: '1.2.3',
    credentialFor: async (host: string) => ({ username: '00000000-0000-0000-0000-000000000000', secret: `rt-${host}` }),
    erase: async (host: string) => void erased.push(host),
    list: async () => ({ 'myreg.azurecr.io': '00000000-0000-0000-0000-000000000000' }),
  };
  assert.deepEqual(await handleDockerCommand('get', 'myreg.azurecr.io\n', deps), {
    stdout: '{"ServerURL":"myreg.azurecr.io","Username":"00000000-0000-0000-0000-000000000000","Secret":"rt-myreg.azurecr.io"}\n',
    exitCode: 0,
  });
  assert.deepEqual(await handleDockerCommand('get', 'ghcr.io', deps), { stdout: `${credentialsNotFound}\n`, exitCode: 1 });
  assert.deepEqual(await handleDockerCommand('store', '{"ServerURL":"x"}', deps), { stdout: '', exitCode: 0 });
  assert.deepEqual(await handleDockerCommand('erase', 'https://myreg.azurecr.io', deps), { stdout: '', exitCode: 0 });
  assert.deepEqual(erased, ['myreg.azurecr.io']);
  assert.equal((await handleDockerCommand('list', '', deps)).stdout, '{"myreg.azurecr.io":"00000000-0000-0000-0000-000000000000"}\n');
  assert.equal((await handleDockerCommand('version', '', deps)).stdout, 'docker-credential-azsess (azsess) 1.2.3\n');
  assert.equal((await handleDockerCommand(undefined, '', deps)).exitCode, 1);
});

test('setup docker: credHelpers added, other keys and helpers kept, tabs as docker writes them', () => {
  const before = '{"auths":{"a.io":{}},"credHelpers":{"gcr.io":"gcloud","b.azurecr.io":"acr-env"},"psFormat":"x"}';
  const change = addCredHelpers(before, ['b.azurecr.io', 'c.azurecr.io'], '/h/.docker/config.json');
  assert.equal(
    change.text,
    '{\n\t"auths": {\n\t\t"a.io": {}\n\t},\n\t"credHelpers": {\n\t\t"gcr.io": "gcloud",\n\t\t"b.azurecr.io": "azsess",\n\t\t"c.azurecr.io": "azsess"\n\t},\n\t"psFormat": "x"\n}\n',
  );
  assert.deepEqual(change.added, ['c.azurecr.io']);
  assert.deepEqual(change.replaced, [{ registry: 'b.azurecr.io', helper: 'acr-env' }]);
  assert.deepEqual(addCredHelpers(undefined, ['c.azurecr.io'], 'p').added, ['c.azurecr.io']);
  assert.throws(() => addCredHelpers('[1]', ['c.azurecr.io'], 'p'), ConfigError);
  assert.throws(() => addCredHelpers('{"credHelpers":[]}', ['c.azurecr.io'], 'p'), ConfigError);
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/etc/dock/' }, '/home/u'), '/etc/dock/config.json');
  assert.equal(dockerConfigPath({}, '/home/u'), '/home/u/.docker/config.json');
});

test('the ACR exchange answer: refresh token with its expiry, or one typed error per kind of refusal', () => {
  const registry = registryEndpoint('myreg.azurecr.io');
  const now = new Date('2026-01-01T00:00:00Z');
  const res = (status: number, body: unknown): HttpResponse => ({ status, headers: {}, body: JSON.stringify(body), clientRequestId: 'c' });
  const exp = Math.floor(now.getTime() / 1000) + 10_800;
  const jwt = `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;
  assert.deepEqual(parseExchangeResponse(res(200, { refresh_token: jwt }), registry, now), { refreshToken: jwt, expiry: new Date(exp * 1000) });
  assert.equal(parseExchangeResponse(res(200, { refresh_token: 'opaque-token' }), registry, now).expiry.getTime(), now.getTime() + 10_800_000);
  const denied = res(401, { errors: [{ code: 'UNAUTHORIZED', message: 'Token not valid.' }] });
  assert.throws(() => parseExchangeResponse(denied, registry, now), (e: unknown) => e instanceof AuthenticationError && /HTTP 401: Token not valid\)/.test(e.message));
  assert.throws(() => parseExchangeResponse(res(404, {}), registry, now), ConfigError);
  assert.throws(() => parseExchangeResponse(res(200, {}), registry, now), ServiceError);
});
