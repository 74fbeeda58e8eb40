import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { faultMatrixTable } from '../support/fault-matrix-doc.js';
import { repoRoot } from '../support/paths.js';

test('docs/reliability.md shows the fault matrix the tests run', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'reliability.md'), 'utf8');
  const table = /<!-- fault-matrix:[^\n]*-->\n([\s\S]*?)<!-- \/fault-matrix -->/.exec(doc)?.[1];
  assert.ok(table, 'docs/reliability.md has the fault-matrix markers');
  assert.equal(table, faultMatrixTable(), 'run: npm run build && node dist/test/support/fault-matrix-doc.js, and paste the table');
});
