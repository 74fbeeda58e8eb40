import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signInChoices } from '../../../src/cli/network.js';

test('--timeout bounds the wait for the person when given, read from the options (neither parser defaults it)', () => {
  assert.deepEqual(signInChoices({ timeout: 5, promptFormat: 'text' }), { noBrowser: false, promptFormat: 'text', signInWaitMs: 5000 });
  assert.deepEqual(signInChoices({ browser: false }), { noBrowser: true });
});
