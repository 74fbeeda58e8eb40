/**
 * Makes the V8 code caches of the bundles (`npm run build:code-cache`): runs both programs the way
 * users do, against a small loopback stand-in for Entra and a registry, with
 * AZSESS_V8_CACHE_WRITE=1. Each run writes the cache of every bundle it loaded, holding the
 * functions that ran; the last run that loads a bundle decides its cache, so the order below is:
 * a device-code sign-in configured by the environment (the engine, the HTTP client, the lock, a
 * write), refreshes for git's and the registry's audiences, cache hits, a command that makes no
 * request (for the layer with commander), the az entry's hits, the docker helper with an app's secret (for its other
 * protocols); then the cores' caches are made again, from nothing, by hits alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tenant = '00000000-0000-4000-8000-00000000c0de';
const clientId = '00000000-0000-4000-8000-0000000c11e7';

/** An unsigned JWT-shaped token valid for three hours: azsess only reads its claims. */
function jwt(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none' })}.${part({ tid: tenant, oid: '00000000-0000-4000-8000-0000000000a1', iat: now, exp: now + 3 * 3600, ...claims })}.`;
}

/** Entra's answers, as far as azsess reads them: device codes, tokens, ACR's exchange. */
function answer(url, form) {
  if (url.endsWith('/oauth2/exchange')) return { refresh_token: jwt({}) };
  if (url.endsWith('/devicecode')) {
    return { device_code: 'training', user_code: 'TRAINING', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 1 };
  }
  const scope = form.get('scope') ?? '';
  return {
    token_type: 'Bearer',
    scope,
    expires_in: 3 * 3600,
    access_token: jwt({}),
    refresh_token: 'code-cache-training-refresh-token',
    id_token: jwt({ aud: clientId, preferred_username: 'training@example.com', sub: 'training' }),
  };
}

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer(req.url ?? '', new URLSearchParams(body))));
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const host = `127.0.0.1:${server.address().port}`;
const home = mkdtempSync(join(tmpdir(), 'azsess-code-cache-'));
const env = {
  PATH: process.env.PATH ?? '',
  HOME: home,
  AZSESSIONS_HOME: join(home, '.azsessions'),
  AZURE_AUTHORITY_HOST: `http://${host}`,
  AZURE_TENANT_ID: tenant,
  AZURE_CLIENT_ID: clientId,
  AZSESS_ACR_HOSTS: host,
  AZSESS_V8_CACHE_WRITE: '1',
};

/**
 * Runs a program (asynchronously: this process's server must answer it) and fails the build if it
 * fails: a cache made by a failed run would be a poor one.
 */
async function train(bin, args, input = '', more = {}) {
  const child = spawn(process.execPath, [join(root, 'bin', bin), ...args], { env: { ...env, ...more }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.stdin.end(input);
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`code cache training: ${bin} ${args.join(' ')} exited ${code}: ${output}`);
}

try {
  await train('azsess.js', ['token', '--interactive']);
  await train('docker-credential-azsess.js', ['get'], host);
  await train('azsess.js', ['git-credential', 'get'], 'protocol=https\nhost=dev.azure.com\n\n');
  await train('azsess.js', ['token']);
  await train('docker-credential-azsess.js', ['get'], host);
  // The az entry's layers: the first run refreshes for az's default audience, the next are hits,
  // one with --query for the JMESPath layer; the last run that loads a layer makes its cache.
  await train('azsess.js', ['az', 'account', 'get-access-token']);
  await train('azsess.js', ['az', 'account', 'get-access-token', '--query', 'accessToken', '-o', 'tsv']);
  // As the cores' (below): the az layer's cache made again by a hit alone, as the SDKs run it.
  rmSync(join(root, 'dist', 'bundle', 'azsess-az.cjs.v8cache'));
  await train('azsess.js', ['az', 'account', 'get-access-token', '--output', 'json', '--resource', 'https://management.core.windows.net/']);
  // A sign-in loads the \`more\` layer only after the request set V8's flags, so its cache there
  // would be refused by every command that loads it at start (commander): a command that makes no
  // request writes it last.
  await train('azsess.js', ['status']);
  // The docker helper loads its \`more\` layer only to get a token by another grant than a refresh,
  // always after the request set the flags (as the HTTP bundle): an app's client secret does it.
  await train('docker-credential-azsess.js', ['get'], host, {
    AZSESS_PROTOCOL: 'client-credentials',
    AZURE_CLIENT_SECRET: 'code-cache-training-secret',
    AZSESSIONS_HOME: join(home, 'app'),
  });
  // The cores are for cache hits. A run writes every function it has, those it read from the cache
  // included, so the cores' caches are made again from nothing by hits alone: without the sign-in's
  // and the refreshes' functions they are a quarter smaller, which a hit pays for in reading and
  // deserialising (a refresh compiles the few it lacks).
  for (const core of ['azsess.cjs', 'docker-credential-azsess.cjs']) rmSync(join(root, 'dist', 'bundle', `${core}.v8cache`));
  await train('azsess.js', ['git-credential', 'get'], 'protocol=https\nhost=dev.azure.com\n\n');
  await train('azsess.js', ['token']);
  await train('docker-credential-azsess.js', ['get'], host);
} finally {
  server.close();
  rmSync(home, { recursive: true, force: true });
}
