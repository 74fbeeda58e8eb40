/**
 * Builds the CommonJS bundles that bin/ runs (docs/performance.md, "What makes the cache hit fast").
 *
 * Each program is cut in two, so that a cache hit reads and compiles only what answers it:
 * - `<name>.cjs`, the core: the entry and everything the fast paths import statically
 *   (scripts/fast-paths.json names them; the architecture test walks the same lists);
 * - `<name>-more.cjs`: everything the core imports lazily (the engine, commander, the protocols,
 *   proper-lockfile, chalk), loaded by bin/load-bundle.js on the first such import;
 * - `http.cjs`: the parts of undici the HTTP client requires, shared by both programs and loaded
 *   only when a request is due.
 * A module lives in exactly one bundle: the second half reaches the core's modules through the
 * core's exports, never through a copy, so module state and `instanceof` work as in one bundle.
 */
import * as esbuild from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'bundle');

/**
 * Per program, its entry and the modules a cache hit runs (the entry imports them lazily); their
 * static imports make the core. test/unit/architecture.test.ts walks the same lists.
 */
const fastPaths = JSON.parse(readFileSync(join(root, 'scripts', 'fast-paths.json'), 'utf8'));

/** What src/http/client.ts requires of undici (it falls back to the package when a name is missing). */
const undiciParts = [
  'undici/lib/dispatcher/dispatcher.js',
  'undici/lib/api/index.js',
  'undici/lib/dispatcher/agent.js',
  'undici/lib/dispatcher/env-http-proxy-agent.js',
];

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: process.env.AZSESS_BUNDLE_MINIFY !== "0",
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
  metafile: true,
  // `open` is ES-module only and loads with require(esm) when a browser is really opened.
  external: ['open', 'undici', 'undici/*', 'azsess:core', 'azsess:more'],
};

const key = (path) => relative(root, path).split('\\').join('/');

/** The modules the fast paths import statically (lazy imports left out). */
async function coreModules(entries) {
  const lazyOut = {
    name: 'lazy-out',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
    },
  };
  const result = await esbuild.build({ ...common, entryPoints: entries, outdir: outDir, write: false, plugins: [lazyOut] });
  return new Set(Object.keys(result.metafile.inputs).map((p) => key(join(root, p))));
}

/** A plugin that answers the imports `redirect` names with a module of the other bundle. */
function crossBundle(redirect) {
  return {
    name: 'cross-bundle',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === 'cross' || args.pluginData === 'inner') return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (found.errors.length > 0 || found.external) return undefined;
        const target = redirect(key(found.path), args.kind);
        return target ? { path: target, namespace: 'cross' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'cross' }, (args) => ({ contents: args.path, loader: 'js' }));
    },
  };
}

/** Builds one bundle whose entry exports `modules`: the namespace of each listed module by path. */
function buildBundle(file, lines, modules, plugin) {
  return esbuild.build({
    ...common,
    stdin: {
      contents: [
        ...lines,
        ...modules.map((p, i) => `import * as m${i} from './${p}';`),
        `export const modules = { ${modules.map((p, i) => `'${p}': m${i}`).join(', ')} };`,
      ].join('\n'),
      resolveDir: root,
      sourcefile: file.replace(/\.cjs$/, '.ts'),
      loader: 'ts',
    },
    outfile: join(outDir, file),
    plugins: [plugin],
  });
}

async function buildProgram(name) {
  const entries = fastPaths[name];
  const core = await coreModules(entries.map((e) => join(root, e)));
  const lazy = new Set();
  // The core: its own modules bundled; a lazy import of anything else comes from the second half.
  const coreModuleList = [...core].filter((p) => p.startsWith('src/')).sort();
  const coreBuild = await buildBundle(
    `${name}.cjs`,
    [`export { run } from './${entries[0]}';`],
    coreModuleList,
    crossBundle((path, kind) => {
      if (core.has(path) || kind !== 'dynamic-import') return undefined;
      lazy.add(path);
      return `module.exports = require('azsess:more').modules[${JSON.stringify(path)}];`;
    }),
  );
  // The second half: the core's modules come from the core, never a copy.
  const moreBuild = await buildBundle(
    `${name}-more.cjs`,
    [],
    [...lazy].sort(),
    crossBundle((path) => (core.has(path) ? `module.exports = require('azsess:core').modules[${JSON.stringify(path)}];` : undefined)),
  );
  return { [`${name}.cjs`]: inputsOf(coreBuild), [`${name}-more.cjs`]: inputsOf(moreBuild) };
}

/** The source files a build put in its bundle. */
const inputsOf = (result) =>
  Object.keys(Object.values(result.metafile.outputs)[0].inputs)
    .filter((p) => p.startsWith('src/') || p.startsWith('node_modules/'))
    .sort();

async function buildHttp() {
  const result = await esbuild.build({
    ...common,
    external: [],
    stdin: {
      contents: `module.exports = { ${undiciParts.map((p) => `'${p}': () => require('${p}')`).join(', ')} };`,
      resolveDir: root,
      sourcefile: 'http.js',
      loader: 'js',
    },
    outfile: join(outDir, 'http.cjs'),
  });
  return { 'http.cjs': inputsOf(result) };
}

rmSync(outDir, { recursive: true, force: true });
const built = await Promise.all([buildProgram('azsess'), buildProgram('docker-credential-azsess'), buildHttp()]);
// What each bundle holds, for test/unit/bundle.test.ts (outside dist/bundle: not shipped).
writeFileSync(join(root, 'dist', 'bundle-inputs.json'), `${JSON.stringify(Object.assign({}, ...built), null, 1)}\n`);
