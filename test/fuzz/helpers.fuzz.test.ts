import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ServiceError } from '../../src/domain/errors.js';
import { handleDockerCommand, type DockerHelperDeps } from '../../src/helpers/docker-credential.js';
import { defaultGitHosts, handleGitCredential } from '../../src/helpers/git-credential.js';

/**
 * What git and docker send a credential helper is input from another program: fuzz it. The answer
 * must keep to the protocol (git: key=value lines for allowed hosts only; docker: one line or one
 * JSON object, exit 0 or 1) and must never hand a token to a host it is not meant for.
 */
const runs = { numRuns: 3000 };
const token = 'FUZZ-TOKEN-7e57-0123456789';

const gitLine = fc.oneof(
  fc.constantFrom('protocol=https', 'protocol=http', 'host=dev.azure.com', 'host=contoso.visualstudio.com', 'host=evil.example.com', 'host=dev.azure.com.evil.com', 'path=org/repo', 'username=alice', 'username=', 'wwwauth[]=Bearer', '', '=', 'host', 'host=127.0.0.1:8080'),
  fc.tuple(fc.string(), fc.string()).map(([k, v]) => `${k}=${v}`),
  fc.string(),
);
/** A request as git writes one (often for an allowed host), with odd lines mixed in. */
const gitRequest = fc
  .tuple(
    fc.constantFrom('protocol=https', 'protocol=http', 'protocol=ssh'),
    fc.constantFrom('host=dev.azure.com', 'host=contoso.visualstudio.com', 'host=a.b.visualstudio.com', 'host=dev.azure.com.evil.com', 'host=evil.example.com', 'host=DEV.AZURE.COM'),
    fc.array(gitLine, { maxLength: 4 }),
  )
  .chain(([protocol, host, extra]) => fc.shuffledSubarray([protocol, host, ...extra], { minLength: extra.length + 2 }));
const gitInput = fc
  .oneof({ arbitrary: gitRequest, weight: 4 }, { arbitrary: fc.array(gitLine, { maxLength: 8 }), weight: 1 })
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((nl) => lines.join(nl) + nl));

/**
 * What git itself makes of the input (git-credential(1), credential.c), written apart from the
 * helper's parser: lines end at LF (a CR before it is dropped), a blank line ends the request,
 * a later value of a key replaces an earlier one, and a line without `=` makes git refuse the
 * whole request (undefined here: git would never send it, so it proves nothing either way).
 */
function asGitReadsIt(input: string): { protocol?: string; host?: string } | undefined {
  const fields: { protocol?: string; host?: string } = {};
  for (const raw of input.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') break;
    const eq = line.indexOf('=');
    if (eq === -1) return undefined;
    const key = line.slice(0, eq);
    if (key === 'protocol' || key === 'host') fields[key] = line.slice(eq + 1);
  }
  return fields;
}

/** The hosts azsess serves by default: Azure DevOps, by name, case aside; https only. */
function allowedByDefault(request: { protocol?: string; host?: string }): boolean {
  const host = (request.host ?? '').toLowerCase();
  return request.protocol === 'https' && (host === 'dev.azure.com' || /^[a-z0-9-]+\.visualstudio\.com$/.test(host));
}

test('git-credential: key=value lines only for an allowed https host, nothing otherwise', async () => {
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('get', 'store', 'erase' as const), gitInput, async (action, input) => {
      let asked = false;
      const out = await handleGitCredential(action, input, defaultGitHosts, {
        token: async () => {
          asked = true;
          return { token, expiry: new Date(1_800_000_000_000) };
        },
        forget: async () => undefined,
      });
      const request = asGitReadsIt(input);
      if (request === undefined) return;
      const allowed = allowedByDefault(request);
      if (out === '') {
        assert.ok(!(action === 'get' && allowed), `git asked for ${JSON.stringify(request)}, an allowed host, and got nothing: ${JSON.stringify(input)}`);
        return;
      }
      assert.equal(action, 'get');
      assert.ok(asked);
      assert.ok(allowed, `a token for ${JSON.stringify(request)}, which git reads from ${JSON.stringify(input)}`);
      const lines = out.split('\n');
      assert.equal(lines.pop(), '');
      assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf('='))), ['username', 'password', 'password_expiry_utc']);
      answered += 1;
    }),
    runs,
  );
  // About 60 of the 3000 runs are well-formed gets for an allowed host; a floor far below that
  // proves the answering branch was exercised without making the count itself a coin toss.
  assert.ok(answered >= 10, `the fuzzing reached an answer ${answered} times`);
});

const serverUrl = fc.oneof(
  { arbitrary: fc.constantFrom('contoso.azurecr.io', 'https://myreg.azurecr.cn', '127.0.0.1:5000'), weight: 3 },
  fc.constantFrom('contoso.azurecr.io', 'https://contoso.azurecr.io', 'contoso.azurecr.us', 'evil.azurecr.io.example.com', 'contoso.azurecr.io@evil.com', 'https://user@contoso.azurecr.io/v2/', '127.0.0.1:5000', 'docker.io', '', ' '),
  fc.webUrl(),
  fc.domain(),
  fc.string(),
);

/**
 * The registry docker means by a server URL, written apart from the helper: the host (and port)
 * of the URL, `https://` assumed; a URL with a user name or password names no registry.
 */
function registryOf(serverUrl: string): string | undefined {
  const text = serverUrl.trim();
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `https://${text}`);
  } catch {
    return undefined;
  }
  return url.username || url.password ? undefined : url.host.toLowerCase();
}

function dockerDeps(served: string[]): DockerHelperDeps {
  return {
    acrHosts: ['127.0.0.1:5000'],
    credentialFor: async (host) => {
      served.push(host);
      if (host.startsWith('fail')) throw new ServiceError('the exchange failed');
      return { username: '00000000-0000-0000-0000-000000000000', secret: token };
    },
    erase: async () => undefined,
    list: async () => ({}),
    version: '0.0.0',
  };
}

test('docker-credential-azsess: exit 0 or 1, one line or one JSON object, ACR hosts only', async () => {
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof({ arbitrary: fc.constant('get'), weight: 4 }, fc.constantFrom('store', 'erase', 'list', 'version'), fc.string(), fc.constant(undefined)), serverUrl, async (action, input) => {
      const served: string[] = [];
      const answer = await handleDockerCommand(action, input, dockerDeps(served));
      assert.ok(answer.exitCode === 0 || answer.exitCode === 1);
      assert.ok(answer.stdout === '' || (answer.stdout.endsWith('\n') && !answer.stdout.slice(0, -1).includes('\n')));
      for (const host of served) {
        assert.ok(/^[a-z0-9]+\.azurecr\.(io|us|cn)$/.test(host) || host === '127.0.0.1:5000', `a token for ${host}`);
        assert.equal(host, registryOf(input ?? ''), `served ${host} for ${JSON.stringify(input)}`);
      }
      if (answer.stdout.includes(token)) {
        assert.equal(served.length, 1);
        answered += 1;
      }
    }),
    runs,
  );
  assert.ok(answered > 50, `the fuzzing reached an answer ${answered} times`);
});
