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

test('every helper setting reaches the command setup writes, and the helper reads each back as given', () => {
  const opts = {
    protocol: 'AzAuthCodeFlowCredentials' as const,
    tenant: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-3333-4444-555555555555',
    account: 'bob@contoso.com',
    cloud: 'usgov' as const,
  };
  const args = helperSettingArgs(opts);
  const read = parseFastGitCredentialArgs(['git-credential', 'get', ...args]);
  assert.ok(read, `the fast path reads ${args.join(' ')}`);
  for (const [key, value] of Object.entries(opts)) assert.equal((read as Record<string, unknown>)[key], value, key);
  assert.ok(args.includes('--protocol') && args[args.indexOf('--protocol') + 1] === 'auth-code');
});
