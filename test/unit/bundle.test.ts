import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { repoRoot } from '../support/paths.js';

/** The shipped bundles (scripts/bundle.mjs), as the loader in bin/azsess.js loads them, and what each holds. */
const inputs = JSON.parse(readFileSync(join(repoRoot, 'dist', 'bundle-inputs.json'), 'utf8')) as Record<string, string[]>;
const bundles = Object.keys(inputs).map((name) => join(repoRoot, 'dist', 'bundle', name));

test('the build made the layers of both programs and the HTTP bundle', () => {
  assert.deepEqual(Object.keys(inputs).sort(), [
    'azsess-az-query.cjs',
    'azsess-az.cjs',
    'azsess-engine.cjs',
    'azsess-more.cjs',
    'azsess-refresh.cjs',
    'azsess.cjs',
    'docker-credential-azsess-engine.cjs',
    'docker-credential-azsess-more.cjs',
    'docker-credential-azsess-refresh.cjs',
    'docker-credential-azsess.cjs',
    'http.cjs',
  ]);
});

test('the bundles make no dynamic import(): a vm script could not run one', () => {
  for (const file of bundles) assert.doesNotMatch(readFileSync(file, 'utf8'), /\bimport\(/, file);
});

function cacheRejected(file: string): boolean | undefined {
  return new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(`${file}.v8cache`) }).cachedDataRejected;
}

test('the build made a V8 code cache this Node accepts, for each bundle', () => {
  // These load after src/cli/network.ts sets this flag, which V8 checks in a cache.
  const afterRequest = (f: string) => f.endsWith('/http.cjs') || f.endsWith('/docker-credential-azsess-more.cjs');
  for (const file of bundles.filter((f) => !afterRequest(f))) assert.equal(cacheRejected(file), false, file);
  setFlagsFromString('--liftoff-only');
  for (const file of bundles.filter(afterRequest)) assert.equal(cacheRejected(file), false, file);
});

test('a cache hit reads no package: the cores hold only our own modules', () => {
  for (const core of ['azsess.cjs', 'docker-credential-azsess.cjs']) {
    assert.deepEqual(inputs[core]!.filter((p) => !p.startsWith('src/')), [], core);
  }
});

test('every module is in one bundle of a program only, so its state and classes are shared', () => {
  for (const program of ['azsess', 'docker-credential-azsess']) {
    const names = [`${program}.cjs`, `${program}-engine.cjs`, `${program}-refresh.cjs`, `${program}-more.cjs`, `${program}-az.cjs`, `${program}-az-query.cjs`];
    const layers = names.filter((name) => inputs[name]).map((name) => inputs[name]!);
    const all = layers.flat();
    assert.deepEqual(all.filter((p, i) => all.indexOf(p) !== i), [], program);
  }
});

test('the processes waiting for a refresh load neither the lock library nor commander', () => {
  for (const program of ['azsess', 'docker-credential-azsess']) {
    assert.deepEqual(inputs[`${program}-engine.cjs`]!.filter((p) => !p.startsWith('src/')), [], program);
  }
});

test('the cache-hit cores hold the protocol table (domain/) and no protocol implementation: each is loaded when a token is due', () => {
  for (const core of ['azsess.cjs', 'docker-credential-azsess.cjs']) {
    assert.deepEqual(
      inputs[core]!.filter((p) => p.startsWith('src/protocols/')),
      ['src/protocols/assertion-sources/types.ts'],
      core,
    );
  }
});

test('a cache hit of the az entry adds only its own layer: our modules, no commander or the other commands', () => {
  // Every token reads, without the lock, whether az login kept an app or identity, and the default subscription.
  const reads = new Set(['src/store/az-login-read.ts', 'src/store/az-subscriptions-read.ts']);
  const own = (p: string) => p.startsWith('src/az/') || p.startsWith('src/cli/az/') || p.startsWith('src/domain/az-') || p === 'src/io/next-program.ts' || reads.has(p);
  assert.deepEqual(inputs['azsess-az.cjs']!.filter((p) => !own(p)), []);
  assert.deepEqual(inputs['azsess-az-query.cjs'], ['node_modules/jmespath/jmespath.js'], 'JMESPath loads only for --query');
});

/**
 * The hot bundles (what a cache hit, a wait for another process's refresh, and a refresh load) are
 * checked in as lists of modules with a size budget: an import that drags a module into one is a
 * failing test here, not a slower bench. After a deliberate change, write the file anew with
 * `npm run build && AZSESS_WRITE_HOT_BUNDLES=1 node --test dist/test/unit/bundle.test.js` and say
 * in the commit why the hot path needs it.
 */
const hotBundles = [
  'azsess.cjs',
  'azsess-engine.cjs',
  'azsess-refresh.cjs',
  'azsess-az.cjs',
  'docker-credential-azsess.cjs',
  'docker-credential-azsess-engine.cjs',
  'docker-credential-azsess-refresh.cjs',
];
const hotBundlesFile = join(repoRoot, 'test', 'unit', 'hot-bundles.json');

interface HotBundle {
  modules: string[];
  budgetBytes: number;
}

test('each hot bundle holds exactly its checked-in modules, within its size budget', () => {
  const actual = Object.fromEntries(
    hotBundles.map((name) => [name, { modules: [...inputs[name]!].sort(), bytes: statSync(join(repoRoot, 'dist', 'bundle', name)).size }]),
  );
  if (process.env.AZSESS_WRITE_HOT_BUNDLES) {
    // A budget of 5% over today's size, so a small fix fits and a new module's weight does not.
    const expected = Object.fromEntries(
      Object.entries(actual).map(([name, a]) => [name, { modules: a.modules, budgetBytes: Math.ceil((a.bytes * 1.05) / 1024) * 1024 }]),
    );
    writeFileSync(hotBundlesFile, `${JSON.stringify(expected, null, 2)}\n`);
  }
  const expected = JSON.parse(readFileSync(hotBundlesFile, 'utf8')) as Record<string, HotBundle>;
  assert.deepEqual(Object.keys(expected).sort(), [...hotBundles].sort());
  for (const name of hotBundles) {
    const want = expected[name]!;
    const got = actual[name]!;
    assert.deepEqual(
      { added: got.modules.filter((m) => !want.modules.includes(m)), removed: want.modules.filter((m) => !got.modules.includes(m)) },
      { added: [], removed: [] },
      `${name}: its modules differ from test/unit/hot-bundles.json`,
    );
    assert.ok(got.bytes <= want.budgetBytes, `${name} is ${got.bytes} bytes, over its budget of ${want.budgetBytes} in test/unit/hot-bundles.json`);
  }
});
