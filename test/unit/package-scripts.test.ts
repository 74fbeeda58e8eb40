import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
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
  dependencies: Record<string, string>;
};
const bundleDir = join(repoRoot, 'dist', 'bundle');

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

test('every package the bundles require at run time is a dependency, so an installed azsess finds it', () => {
  const required = new Set<string>();
  for (const name of readdirSync(bundleDir).filter((file) => file.endsWith('.cjs'))) {
    for (const [, id] of readFileSync(join(bundleDir, name), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
      // Node's own (node:sqlite is not builtin on every Node 20) and the bundles' layers.
      if (id!.startsWith('node:') || id!.startsWith('azsess:') || isBuiltin(id!)) continue;
      required.add(id!.startsWith('@') ? id!.split('/').slice(0, 2).join('/') : id!.split('/')[0]!);
    }
  }
  assert.ok(required.has('tldts'), 'the scan finds the packages left outside the bundles');
  for (const id of required) assert.ok(manifest.dependencies[id], `the bundles require ${id}, which is not in "dependencies"`);
});

test('the tarball ships bin/ and every bundle with its code cache', () => {
  // --ignore-scripts: the build already ran; packing needs no second one to list the files.
  const listing = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
  const shipped = new Set((JSON.parse(listing) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path));
  const needed = [
    ...readdirSync(join(repoRoot, 'bin')).map((name) => `bin/${name}`),
    ...readdirSync(bundleDir).map((name) => `dist/bundle/${name}`),
  ];
  assert.ok(needed.some((path) => path.endsWith('.cjs.v8cache')), 'the build made code caches');
  for (const path of needed) assert.ok(shipped.has(path), `${path} is not in the tarball`);
});
