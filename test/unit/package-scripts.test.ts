import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths.js';

/**
 * Installing azsess runs no script of ours: the tarball already holds the build. npm counts
 * `prepare` among install scripts (and warns about it on `npm install -g ./azsess-*.tgz`), so the
 * build runs when packing (`prepack`), and `npm test`, `npm run demo` and `npm run bench` build
 * for themselves.
 */
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  files: string[];
};

test('installing runs no script of ours: no preinstall, install, postinstall or prepare', () => {
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.equal(manifest.scripts[hook], undefined, `package.json has a "${hook}" script, which an install would run`);
  }
});

test('packing builds, so the tarball holds what bin/ loads', () => {
  assert.match(manifest.scripts.prepack ?? '', /npm run build/);
  assert.ok(manifest.files.includes('dist/bundle'));
  for (const script of ['test', 'demo', 'bench']) assert.match(manifest.scripts[script]!, /npm run build/, `${script} builds first`);
});
