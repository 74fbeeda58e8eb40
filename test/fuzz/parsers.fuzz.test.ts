import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { authorityByUrl, normaliseAuthority, plainAuthority } from '../../src/domain/authority.js';
import { hasSchemeAndHost, splitScopes } from '../../src/domain/scopes.js';
import { AzsessError } from '../../src/domain/errors.js';
import { parseManifest } from '../../src/store/manifest.js';
import { formatSessionsDocument, parseSessionsDocument } from '../../src/store/sessions-document.js';
import { parseTokenResponse } from '../../src/oauth/token-response.js';
import { parseManagedIdentityResponse } from '../../src/protocols/managed-identity/response.js';
import { parseExecInfo } from '../../src/output/token-formats.js';
import type { HttpResponse } from '../../src/http/types.js';

/**
 * Property-based fuzzing of every parser of outside input: whatever arrives, the answer is a value
 * or one of azsess's typed errors (which carry an exit code and a sentence), never another
 * exception, and never a secret from the input quoted in a message.
 */
const runs = { numRuns: 3000 };
const secret = 'FUZZ-SECRET-7e57-0123456789abcdef';

/** JSON-ish values. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('access_token', 'refresh_token', 'id_token', 'expires_in', 'expires_on', 'error', 'error_description', 'error_codes', 'sessions', 'protocol', 'tenant', 'client_id', 'client_secret')), tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** Objects whose secret-bearing keys hold the secret: a message may quote an error, never these. */
const withSecrets = fc
  .tuple(fc.dictionary(fc.string(), jsonValue, { maxKeys: 4 }), fc.subarray(['access_token', 'refresh_token', 'id_token', 'client_secret'], { minLength: 1 }), fc.dictionary(fc.constantFrom('error', 'error_description', 'expires_in', 'expires_on', 'token_type', 'sessions'), jsonValue, { maxKeys: 3 }))
  .map(([base, keys, extra]) => JSON.stringify({ ...base, ...extra, ...Object.fromEntries(keys.map((k) => [k, secret])) }));

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), jsonValue.map((v) => JSON.stringify(v) ?? ''), withSecrets);

function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AzsessError, `not a typed error: ${(err as Error)?.stack ?? String(err)}`);
    assert.ok(!err.message.includes(secret), 'a secret from the input is quoted in the message');
    assert.ok(!/\n\s+at /.test(err.message));
  }
}

test('manifest.json: a Manifest or a configuration error that names the file', () => {
  fc.assert(
    fc.property(text, (t) =>
      onlyTypedErrors(() => {
        try {
          parseManifest(t, '/home/u/.azsessions/manifest.json');
        } catch (err) {
          assert.equal((err as AzsessError).exitCode, 6);
          assert.match((err as Error).message, /manifest\.json/);
          throw err;
        }
      }),
    ),
    runs,
  );
});

test('sessions.json: parsed or refused with a reason, never thrown; what parses writes back and parses the same', () => {
  fc.assert(
    fc.property(text, (t) => {
      const first = parseSessionsDocument(t);
      if (!first.ok) {
        assert.equal(typeof first.problem, 'string');
        return;
      }
      const again = parseSessionsDocument(formatSessionsDocument(first.doc));
      assert.ok(again.ok);
      assert.equal(formatSessionsDocument(again.doc), formatSessionsDocument(first.doc));
    }),
    runs,
  );
});

const response = fc.record({
  status: fc.oneof(fc.constantFrom(200, 400, 401, 429, 500, 503), fc.integer({ min: 100, max: 599 })),
  body: text,
  contentType: fc.constantFrom('application/json', 'text/html', ''),
});

function asResponse(r: { status: number; body: string; contentType: string }): HttpResponse {
  return { status: r.status, body: r.body, headers: r.contentType ? { 'content-type': r.contentType } : {}, clientRequestId: 'fuzz' };
}

test('token endpoint answers: a token or a typed error, no secret quoted', () => {
  fc.assert(
    fc.property(response, (r) =>
      onlyTypedErrors(() =>
        parseTokenResponse(asResponse(r), { purpose: 'the token endpoint', host: 'h', what: 'Entra ID refused', hint: 'fix it', requestStart: new Date() }),
      ),
    ),
    runs,
  );
});

test('managed identity answers (IMDS, App Service, Cloud Shell, Arc): a token or a typed error, no secret quoted', () => {
  fc.assert(fc.property(response, (r) => onlyTypedErrors(() => parseManagedIdentityResponse(asResponse(r), 'IMDS', 'h', new Date()))), runs);
});

test('KUBERNETES_EXEC_INFO: an apiVersion kubectl knows, or a configuration error', () => {
  fc.assert(
    fc.property(fc.oneof(text, fc.constant(undefined)), (v) =>
      onlyTypedErrors(() => {
        const info = parseExecInfo(v);
        assert.match(info.apiVersion, /^client\.authentication\.k8s\.io\/v1(beta1|alpha1)?$/);
      }),
    ),
    runs,
  );
});

test('authority hosts: https or loopback http, or a reason', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.domain()), (v) => {
      const check = normaliseAuthority(v);
      if (!check.ok) return;
      const url = new URL(check.url);
      assert.ok(url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.') || url.hostname.endsWith('.localhost'));
      assert.equal(url.pathname, '/');
    }),
    runs,
  );
});

test('the check of plain authorities without URL agrees with the full check wherever it answers', () => {
  const host = fc.stringMatching(/^[a-z0-9.\-]{1,24}$/);
  const quad = fc.array(fc.oneof(fc.nat(300).map(String), fc.constantFrom('0', '00', '01', '127', '255', '256')), { minLength: 3, maxLength: 5 }).map((p) => p.join('.'));
  const port = fc.option(fc.oneof(fc.nat(70000).map(String), fc.constantFrom('', '0', '080', '80', '443', '65535', '65536', '8400')), { nil: undefined });
  const scheme = fc.oneof({ arbitrary: fc.constantFrom('https://', 'http://'), weight: 4 }, fc.constantFrom('HTTP://', 'ftp://', '', 'https:/'));
  const name = fc.constantFrom('localhost', 'a.localhost', 'login.microsoftonline.us', 'xn--nxasmq6b.com', 'x.1', 'a..b', '-a.b', 'a.b-', '0x7f.1');
  const input = fc.tuple(scheme, fc.oneof(host, quad, name), port).map(([s, h, p]) => `${s}${h}${p === undefined ? '' : `:${p}`}`);
  let answered = 0;
  fc.assert(
    fc.property(input, (v) => {
      const plain = plainAuthority(v);
      if (plain === undefined) return;
      answered++;
      assert.deepEqual({ ok: true, url: plain }, authorityByUrl(v), v);
    }),
    runs,
  );
  assert.ok(answered > runs.numRuns / 20, `the plain check answered only ${answered} times`);
});

test('the plain-code checks on the cache-hit path read text as the regular expressions they replace', () => {
  const urlLike = fc.tuple(fc.constantFrom('', 'https', 'api', 'a+b.c-d', '1x', 'h:t', 'ht tp'), fc.constantFrom('://', ':/', ':', '//', ''), fc.string({ maxLength: 6 }))
    .map(([a, b, c]) => a + b + c);
  fc.assert(fc.property(fc.oneof(urlLike, fc.string()), (v) => assert.equal(hasSchemeAndHost(v), /^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(v), v)), runs);
});

test('scopes, read in plain code on the cache-hit path, read as the regular expression they replace', () => {
  // Every code unit, against what \s says of it (fast-check's strings seldom reach the Unicode spaces).
  for (let c = 0; c <= 0xffff; c++) assert.equal(splitScopes(`a${String.fromCharCode(c)}b`).length === 2, /\s|\+/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
  const separators = fc.constantFrom('+', ' ', '\t', '\n', '\u00a0', '\u1680', '\u1fff', '\u2000', '\u200a', '\u200b', '\u2027', '\u2028', '\u2029', '\u202a', '\u202f', '\u205f', '\u3000', '\ufeff', '\u180e', '++', '+ ', '');
  const word = fc.constantFrom('openid', 'offline_access', 'https://storage.azure.com/.default', 'a', '');
  const scopeLike = fc.array(fc.tuple(word, separators), { maxLength: 6 }).map((parts) => parts.map(([w, sep]) => w + sep).join(''));
  fc.assert(fc.property(fc.oneof(scopeLike, fc.string({ unit: 'binary' })), (v) => assert.deepEqual(splitScopes(v), v.split(/[+\s]+/).filter((x) => x.length > 0), v)), runs);
});
