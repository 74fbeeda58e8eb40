import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadUndici } from '../../../src/http/client.js';

test('the undici modules azsess loads are where this undici release keeps them', () => {
  // If a release moves them, azsess still works through the package entry point, only slower
  // to start a refresh: this says so, so the paths can be updated.
  const undici = loadUndici();
  assert.equal(undici.lean, true);
  assert.equal(typeof new undici.Agent().request, 'function');
});
