import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { repoRoot } from '../support/paths.js';

/** The shipped bundles, as bin/load-bundle.js loads them. */
const bundles = ['azsess.cjs', 'docker-credential-azsess.cjs'].map((name) => join(repoRoot, 'dist', 'bundle', name));

test('the bundles make no dynamic import(): a vm script could not run one', () => {
  for (const file of bundles) assert.doesNotMatch(readFileSync(file, 'utf8'), /\bimport\(/, file);
});

test('the build made a V8 code cache this Node accepts, for each bundle', () => {
  for (const file of bundles) {
    const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(`${file}.v8cache`) });
    assert.equal(script.cachedDataRejected, false, file);
  }
});
