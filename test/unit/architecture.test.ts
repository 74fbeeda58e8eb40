import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { moduleImports } from '../support/module-imports.js';
import { repoRoot } from '../support/paths.js';

/**
 * Keeps the layering of docs/architecture.md: the CLI alone talks to the terminal and the
 * process, one module talks HTTP, the store alone touches the azsess home.
 */
const srcDir = join(repoRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const files = sourceFiles(srcDir).map((full) => {
  const text = readFileSync(full, 'utf8');
  const found = moduleImports(full, text);
  return { path: relative(srcDir, full), text, imports: found.imports.map((i) => i.specifier), found };
});

test('every module a source file loads is named literally, so the rules below see it', () => {
  assert.deepEqual(files.flatMap((f) => f.found.unnamed.map((call) => `${f.path}: ${call}`)), []);
});

function importers(predicate: (specifier: string) => boolean): string[] {
  return files.filter((f) => f.imports.some(predicate)).map((f) => f.path);
}

function assertOnlyIn(who: string[], allowed: (path: string) => boolean, what: string) {
  const offenders = who.filter((p) => !allowed(p));
  assert.deepEqual(offenders, [], `${what} outside its layer`);
}

test('only the CLI layer imports commander, chalk and open', () => {
  assertOnlyIn(importers((s) => ['commander', 'chalk', 'open'].includes(s)), (p) => p.startsWith('cli/'), 'terminal libraries');
});

test('only the CLI layer reads process.argv, process.env and writes stdout/stderr or exits', () => {
  const offenders = files
    .filter((f) => f.found.processMembers.some((m) => ['argv', 'env', 'exit', 'stdout', 'stderr', 'exitCode'].includes(m)) || f.imports.some((s) => s === 'process' || s === 'node:process'))
    .map((f) => f.path)
    .filter((p) => !p.startsWith('cli/'));
  assert.deepEqual(offenders, []);
});

test('only the HTTP client imports undici', () => {
  assertOnlyIn(importers((s) => s === 'undici' || s.startsWith('undici/')), (p) => p === 'http/client.ts', 'undici');
});

test('node:http serves only the sign-in listener and azsess serve; requests go through the HTTP client', () => {
  // Servers, not clients: the auth code flow's loopback listener, and the token endpoint of `azsess serve`.
  assertOnlyIn(
    importers((s) => ['node:http', 'node:https', 'http', 'https', 'node:http2'].includes(s)),
    (p) => p === 'oauth/loopback-listener.ts' || p === 'serve/token-server.ts',
    'node:http',
  );
});

test('only the store touches the lock and the files of the home', () => {
  assertOnlyIn(importers((s) => s === 'proper-lockfile'), (p) => p.startsWith('store/'), 'proper-lockfile');
  // Files outside the home that a feature must touch name themselves here, with the reason.
  const readsOtherFiles = new Map<string, string>([
    ['io/read-file.ts', 'reads key, token and certificate files a protocol is pointed at'],
    ['io/atomic-write.ts', "replaces a file whole (rename over it, keeping its mode): the store's files and the few outside the home"],
    ['cli/context.ts', 'writes the product to file descriptor 1 without opening a stream'],
    ['cli/read-input.ts', "reads a credential helper's request from file descriptor 0 without opening a stream"],
    ['io/config-file.ts', '`azsess setup docker` edits docker config.json (atomically, keeping its mode)'],
    ['io/find-program.ts', '`azsess setup` looks on PATH for azsess and docker-credential-azsess'],
    ['io/next-program.ts', 'the az entry finds the Azure CLI after its link on PATH, and tells its own links by their first line'],
  ]);
  assertOnlyIn(
    importers((s) => s === 'node:fs' || s === 'node:fs/promises' || s === 'fs'),
    (p) => p.startsWith('store/') || readsOtherFiles.has(p),
    'file system access',
  );
});

test('nothing outside the CLI imports the CLI, and errors depend on nothing', () => {
  const offenders = files.filter((f) => !f.path.startsWith('cli/') && f.imports.some((s) => s.includes('/cli/')));
  assert.deepEqual(offenders.map((f) => f.path), []);
  const errors = files.find((f) => f.path === 'domain/errors.ts');
  assert.deepEqual(errors?.imports, []);
});

/**
 * The folders from the bottom up, as docs/architecture.md draws them. A folder imports only
 * folders of a lower row (type imports and lazy `import()` included: a lazy import upward is still
 * a dependency upward); folders of one row do not import each other.
 */
const layers: readonly (readonly string[])[] = [
  ['domain'],
  ['http', 'io'],
  ['oauth', 'store'],
  ['protocols'],
  ['core'],
  ['output'],
  ['helpers', 'serve', 'az'],
  ['cli'],
];
const rankOf = new Map(layers.flatMap((row, rank) => row.map((folder) => [folder, rank] as const)));
const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '.');

/** Every import of one src folder by another, as `from -> to` with the files that make it. */
function folderEdges(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const f of files) {
    for (const s of f.imports.filter((i) => i.startsWith('.'))) {
      const target = join(f.path, '..', s).replace(/\.js$/, '.ts');
      const [from, to] = [folderOf(f.path), folderOf(target)];
      if (from === to) continue;
      const key = `${from} -> ${to}`;
      edges.set(key, [...(edges.get(key) ?? []), `${f.path} -> ${target}`]);
    }
  }
  return edges;
}

test('every source file is in a folder of the layers', () => {
  assert.deepEqual(files.map((f) => f.path).filter((p) => !rankOf.has(folderOf(p))), []);
});

test('no folder imports a folder of its own row or above it', () => {
  const upward = [...folderEdges()].filter(([key]) => {
    const [from, to] = key.split(' -> ') as [string, string];
    return !(rankOf.get(to)! < rankOf.get(from)!);
  });
  assert.deepEqual(upward.flatMap(([, why]) => why), []);
});

/** The circles of a graph, depth first: a node met again while still on the path closes one. */
function circlesOf(next: Map<string, string[]>): string[] {
  const done = new Set<string>();
  const circles: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (path.includes(node)) return void circles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
    if (done.has(node)) return;
    for (const to of next.get(node) ?? []) visit(to, [...path, node]);
    done.add(node);
  };
  for (const node of next.keys()) visit(node, []);
  return circles;
}

function graphOf(pairs: Iterable<readonly [string, string]>): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const [from, to] of pairs) next.set(from, [...(next.get(from) ?? []), to]);
  return next;
}

const resolved = (from: string, specifier: string) => join(from, '..', specifier).replace(/\.js$/, '.ts');

test('the folders form no circle', () => {
  const pairs = [...folderEdges().keys()].map((key) => key.split(' -> ') as [string, string]);
  assert.deepEqual(circlesOf(graphOf(pairs)), []);
});

test('inside a layer, sibling folders form no circle (a sub-folder may use its parent folder, which composes it)', () => {
  const directory = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.');
  const within = (inner: string, outer: string) => inner.startsWith(`${outer}/`);
  const pairs = files.flatMap((f) =>
    f.imports
      .filter((s) => s.startsWith('.'))
      .map((s) => [directory(f.path), directory(resolved(f.path, s))] as const)
      .filter(([from, to]) => from !== to && !within(from, to) && !within(to, from)),
  );
  assert.deepEqual(circlesOf(graphOf(pairs)), []);
});

test('no circle closes among the modules a file loads at start (a circle there meets a module before it has run)', () => {
  const pairs = files.flatMap((f) =>
    f.found.imports.filter((i) => i.kind === 'static' && i.specifier.startsWith('.')).map((i) => [f.path, resolved(f.path, i.specifier)] as const),
  );
  assert.deepEqual(circlesOf(graphOf(pairs)), []);
});

test('the import reader sees every way a module is loaded', () => {
  const text = [
    "import './side-effect.js';",
    'import { a } from "./double.js";',
    "import type { T } from './type.js';",
    "export * from './again.js';",
    'type U = import("./inline-type.js").U;',
    'const lazy = () => import(`./template.js`);',
    "const load = typeof require === 'function' ? require : createRequire(import.meta.url);",
    "load('./through-a-name.js');",
    "createRequire(base)('package');",
    "process.getBuiltinModule('node:fs');",
    'import(name);',
    "const said = 'process.env in a string is not a read';",
    "const { argv } = process; process['exitCode'] = 1; process.stdout.write('');",
    'globalThis.process.env.X; (process).cwd();',
  ].join('\n');
  const { imports, unnamed, processMembers } = moduleImports('sample.ts', text);
  assert.deepEqual(processMembers.sort(), ['argv', 'cwd', 'env', 'exitCode', 'getBuiltinModule', 'stdout']);
  assert.deepEqual(
    imports.map((i) => `${i.kind} ${i.specifier}`),
    ['static ./side-effect.js', 'static ./double.js', 'type ./type.js', 'static ./again.js', 'type ./inline-type.js', 'lazy ./template.js', 'lazy ./through-a-name.js', 'lazy package', 'lazy node:fs'],
  );
  assert.deepEqual(unnamed, ['import(name)']);
});

test('protocols never reach the store, the engine or the output formats', () => {
  const offenders = files.filter(
    (f) => f.path.startsWith('protocols/') && f.imports.some((s) => /\/(store|output|helpers)\/|core\/engine/.test(s)),
  );
  assert.deepEqual(offenders.map((f) => f.path), []);
});

test('the version in src/domain/version.ts is the package version', async () => {
  const { version } = await import('../../src/domain/version.js');
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(version, pkg.version);
});

/** Static runtime imports of a file (not type-only, not lazy), resolved to src paths or package names. */
function staticImports(path: string): string[] {
  const file = files.find((f) => f.path === path);
  if (!file) return [];
  const specifiers = file.found.imports.filter((i) => i.kind === 'static').map((i) => i.specifier);
  return specifiers.map((s) => (s.startsWith('.') ? join(path, '..', s).replace(/\.js$/, '.ts') : s));
}

/** The fast paths per program: scripts/bundle.mjs puts them and their static imports in the core bundles. */
const programs = JSON.parse(readFileSync(join(repoRoot, 'scripts', 'fast-paths.json'), 'utf8')) as Record<string, { core: string[] }>;

test('the fast paths (a cache hit of token, git-credential or the docker helper) load neither commander, chalk, undici, the lock library nor the public suffix list', () => {
  const heavy = ['commander', 'chalk', 'undici', 'proper-lockfile', 'open', 'tldts'];
  const seen = new Set<string>();
  const queue = Object.values(programs).flatMap((p) => p.core.map((path) => path.replace(/^src\//, '')));
  assert.ok(queue.includes('cli/main.ts') && queue.includes('cli/docker-main.ts'));
  const reached: string[] = [];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const dep of staticImports(next)) {
      if (heavy.includes(dep)) reached.push(`${next} -> ${dep}`);
      else if (dep.endsWith('.ts')) queue.push(dep);
    }
  }
  assert.deepEqual(reached, []);
});

test("outside src/protocols, a protocol is reached through the protocols' interface: its types and the registry, which loads the implementations", () => {
  const interfaces = new Set(['protocols/types.ts', 'protocols/registry.ts', 'protocols/assertion-sources/types.ts', 'protocols/managed-identity/types.ts']);
  // The refresh grant is every user protocol's, not a row of its own.
  const allowed = new Set(['core/acquire.ts -> protocols/refresh-token.ts']);
  const offenders = files
    .filter((f) => !f.path.startsWith('protocols/'))
    .flatMap((f) =>
      f.imports
        .filter((s) => s.startsWith('.'))
        .map((s) => join(f.path, '..', s).replace(/\.js$/, '.ts'))
        .filter((target) => target.startsWith('protocols/') && !interfaces.has(target))
        .map((target) => `${f.path} -> ${target}`),
    )
    .filter((edge) => !allowed.has(edge));
  assert.deepEqual(offenders, []);
});
