import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestId } from '../../../src/http/client.js';

test('client-request-id is a version 4 UUID, new for every request', () => {
  const ids = Array.from({ length: 200 }, () => requestId());
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
});
