import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helperSettingArgs } from '../../../src/cli/commands/helper-settings.js';
import { parseFastGitCredentialArgs, parseFastTokenArgs } from '../../../src/cli/fast-argv.js';

test('setup git|kubectl pass --account to the helper command they write, and the fast parsers take it', () => {
  assert.deepEqual(helperSettingArgs({ tenant: 'contoso.onmicrosoft.com', account: 'bob@contoso.com' }), [
    '--tenant', 'contoso.onmicrosoft.com', '--account', 'bob@contoso.com',
  ]);
  assert.equal(parseFastTokenArgs(['token', '--account', 'bob@contoso.com'])?.account, 'bob@contoso.com');
  assert.equal(parseFastGitCredentialArgs(['git-credential', 'get', '--account=bob@contoso.com'])?.account, 'bob@contoso.com');
});
