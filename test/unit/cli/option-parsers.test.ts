import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/domain/errors.js';
import { parseRedirectUri } from '../../../src/cli/option-parsers.js';
import { forLog } from '../../../src/serve/token-server.js';

test('a --redirect-uri with a password is refused without showing it', () => {
  assert.throws(
    () => parseRedirectUri('http://alice:pw-123@localhost:44300/reply'),
    (err: Error) => err instanceof UsageError && !/pw-123/.test(err.message) && /\*\*\*@localhost/.test(err.message),
  );
});

test("serve's request log shows a requested resource without its user name or password", () => {
  assert.equal(forLog('https://alice:pw-123@storage.azure.com/'), 'https://***@storage.azure.com/');
  assert.equal(forLog('https://storage.azure.com/a@b'), 'https://storage.azure.com/a@b');
  assert.equal(forLog(undefined), '-');
});
