/**
 * Builds the CommonJS bundles that bin/ runs (docs/performance.md, "What makes the cache hit fast").
 *
 * Each program is cut into layers, so that a run reads and compiles only what it needs; the
 * layers of a program are named in scripts/fast-paths.json, each by the modules it starts from:
 * - `<name>.cjs`, the core: the entry and everything the cache-hit paths import statically
 *   (the architecture test walks the same lists and keeps commander, undici & co. out);
 * - `<name>-engine.cjs`: what a cache miss adds before any request (the engine, the lock wait),
 *   which is all that the processes waiting for another one's refresh load;
 * - `<name>-refresh.cjs`: what the one process that refreshes adds (proper-lockfile, the network,
 *   the HTTP client, the refresh grant);
 * - `<name>-more.cjs`: everything else the program imports lazily (commander, chalk, the other
 *   commands and protocols);
 * - `http.cjs`: the parts of undici the HTTP client requires, shared by both programs and loaded
 *   only when a request is due.
 * The loader in bin/azsess.js loads a layer on the first import that needs it. A module lives in
 * exactly one layer: the others reach it through that layer's `modules` export, never through a
 * copy, so module state and `instanceof` work as in one bundle.
 */
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'bundle');

/** Per program, its layers in load order, each with the modules it starts from; `more` comes last. */
const programs = JSON.parse(readFileSync(join(root, 'scripts', 'fast-paths.json'), 'utf8'));

/** What src/http/client.ts requires of undici (it falls back to the package when a name is missing). */
const undiciParts = [
  'undici/lib/dispatcher/dispatcher.js',
  'undici/lib/api/index.js',
  'undici/lib/dispatcher/agent.js',
  'undici/lib/dispatcher/env-http-proxy-agent.js',
];

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Minified after the namespaces are made lazy (finish, below), which needs esbuild's own names.
  minify: false,
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
  metafile: true,
  // `open` is ES-module only and loads with require(esm) when a browser is really opened; tldts
  // (the Public Suffix List, 140 KB) is read only when an --allow-host wildcard is checked.
  // @napi-rs/keyring carries a native binary: required from node_modules, and only on a keychain home.
  external: ['open', 'tldts', 'undici', 'undici/*', 'azsess:*', '@napi-rs/keyring'],
  // A bundle runs as a vm script (its code cache), which cannot run import(): a lazy import of a
  // package left outside, or of a built-in, becomes a require when it is reached.
  supported: { 'dynamic-import': false },
};

/**
 * proper-lockfile requires graceful-fs when it loads, but azsess always hands it a file system of
 * its own (tokenLockFs in src/store/lock-dir.ts), so graceful-fs is never used; loading it reads
 * Node's lazy fs.ReadStream, which loads fs/promises, readline and streams: 0.85 ms of every
 * refresh. The bundles get Node's fs in its place.
 */
const gracefulFsIsNodeFs = {
  name: 'graceful-fs-is-node-fs',
  setup(build) {
    build.onResolve({ filter: /^graceful-fs$/ }, () => ({ path: 'graceful-fs', namespace: 'graceful-fs-is-node-fs' }));
    build.onLoad({ filter: /.*/, namespace: 'graceful-fs-is-node-fs' }, () => ({ contents: "module.exports = require('node:fs');", loader: 'js' }));
  },
};

const minify = process.env.AZSESS_BUNDLE_MINIFY !== '0';

/**
 * esbuild gives every module another layer imports a namespace object, and fills all of them when
 * the bundle loads: a closure and an accessor per export, some 150 in a core, which cost a cache
 * hit about a quarter of a millisecond and its code cache 18 KB, although a hit never uses them.
 * This makes each namespace fill on first use instead. esbuild writes a namespace in exactly three
 * forms (`var X = {}`, `__export(X, {...})`, and uses as `__toCommonJS(X)` or `(init_x(), X)`);
 * any other use of one fails the build rather than reach a namespace still empty.
 */
function lazyNamespaces(code, file) {
  const names = [];
  code = code.replace(/^__export\((\w+), \{\n((?:  [\w$]+: \(\) => [\w$.]+,?\n)*)\}\);$/gm, (_, name, body) => {
    names.push(name);
    return `__lazyExport(${name}, () => ({\n${body}}));`;
  });
  if (/^__export\(/m.test(code)) throw new Error(`${file}: a namespace in a form scripts/bundle.mjs does not know`);
  for (const name of names) {
    code = code.replace(new RegExp(`(__toCommonJS\\(|\\(init_\\w+\\(\\), )${name}\\)`, 'g'), `$1__ns(${name}))`);
    const left = [...code.matchAll(new RegExp(`\\b${name}\\b`, 'g'))].length;
    // Its declaration, its __lazyExport, and each __ns(...) are the only uses left.
    const wrapped = [...code.matchAll(new RegExp(`__ns\\(${name}\\)`, 'g'))].length;
    if (left !== 2 + wrapped) throw new Error(`${file}: namespace ${name} is used in a form scripts/bundle.mjs does not know`);
  }
  if (names.length === 0) return code;
  const helpers = [
    'var __unfilled = new Map();',
    'var __lazyExport = (target, all) => __unfilled.set(target, all);',
    'var __ns = (target) => {',
    '  const all = __unfilled.get(target);',
    '  if (all) {',
    '    __unfilled.delete(target);',
    '    __export(target, all());',
    '  }',
    '  return target;',
    '};',
  ].join('\n');
  const marker = /^var __export = /m;
  if (!marker.test(code)) throw new Error(`${file}: esbuild's __export helper was not found`);
  return code.replace(marker, `${helpers}\nvar __export = `);
}

/**
 * One layer's modules reach another's as the namespace itself. esbuild sees a module of another
 * layer as CommonJS, so by default the exporting layer copies the namespace into a new object
 * (`__toCommonJS`) and the importing layer copies that again (`__toESM`): every export defined
 * twice more at load, and every use of one a chain of getters (about 1 ms of the az entry's
 * cache hit). Our own modules (src/) have no default export to make, so both copies go; a
 * package's module.exports is left to esbuild's interop.
 */
function directCrossModules(code, file) {
  code = code.replace(/^exports\.modules = \{.*\};$/m, (line) =>
    line.replace(/(\(init_[\w$]+\(\), )__toCommonJS\(((?:__ns\()?[\w$]+_exports\)?)\)\)/g, '$1$2)'),
  );
  const shims = [...code.matchAll(/^var (require_[\w$]+) = __commonJS\(\{\n  "cross:module\.exports = require\('azsess:[\w-]+'\)\.modules\[\\"src\//gm)].map((m) => m[1]);
  for (const shim of shims) {
    code = code.replace(new RegExp(`__toESM\\(${shim.replace(/\$/g, '\\$')}\\(\\), 1\\)`, 'g'), `${shim}()`);
    if (new RegExp(`__toESM\\(${shim.replace(/\$/g, '\\$')}\\(`).test(code)) throw new Error(`${file}: ${shim} is imported in a form scripts/bundle.mjs does not know`);
  }
  return code;
}

/** Writes one built bundle: namespaces made lazy, cross-layer modules direct, then minified. */
async function finish(result, file) {
  let code = directCrossModules(lazyNamespaces(result.outputFiles[0].text, file), file);
  if (minify) code = (await esbuild.transform(code, { minify: true, format: 'cjs', target: 'node20', platform: 'node', logLevel: 'warning' })).code;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, file), code);
}

const key = (path) => relative(root, path).split('\\').join('/');

/**
 * The source files a build put in its bundle. A package is named from its node_modules/ on, as
 * esbuild names it outside the project when node_modules is a link (`../main/node_modules/...`).
 */
const inputsOf = (result) =>
  Object.keys(Object.values(result.metafile.outputs)[0].inputs)
    .map((p) => (p.startsWith('../') && p.includes('/node_modules/') ? p.slice(p.indexOf('node_modules/')) : p))
    .filter((p) => p.startsWith('src/') || p.startsWith('node_modules/'))
    .sort();

/** The modules `entries` import statically (lazy imports left out), themselves included. */
async function staticClosure(entries) {
  const lazyOut = {
    name: 'lazy-out',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
    },
  };
  const result = await esbuild.build({ ...common, entryPoints: entries.map((e) => join(root, e)), outdir: outDir, write: false, plugins: [lazyOut] });
  return new Set(Object.keys(result.metafile.inputs).map((p) => key(join(root, p))));
}

/** A plugin that answers the imports `redirect` names with a module of another layer. */
function crossBundle(redirect) {
  return {
    name: 'cross-bundle',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === 'cross' || args.pluginData === 'inner') return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (found.errors.length > 0 || found.external) return undefined;
        const target = redirect(key(found.path));
        return target ? { path: target, namespace: 'cross' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'cross' }, (args) => ({ contents: args.path, loader: 'js' }));
    },
  };
}

/**
 * Builds one bundle whose `modules` export gives each listed module by path, as a function that
 * runs the module on first use: loading a bundle runs none of its modules.
 */
async function buildBundle(file, lines, modules, plugin, write = true) {
  const result = await esbuild.build({
    ...common,
    write: false,
    stdin: {
      contents: [...lines, `exports.modules = { ${modules.map((p) => `'${p}': () => require('./${p}')`).join(', ')} };`].join('\n'),
      resolveDir: root,
      sourcefile: file.replace(/\.cjs$/, '.js'),
      loader: 'js',
    },
    outfile: join(outDir, file),
    plugins: [gracefulFsIsNodeFs, plugin],
  });
  if (write) await finish(result, file);
  return result;
}

/**
 * Builds the layers of a program. `exported` lists, per layer, the modules other layers import
 * from it: only those get a namespace object (building one costs start-up time); without it,
 * this is a dry run that finds them.
 */
async function buildLayers(name, layerOf, exported) {
  const layers = Object.entries(programs[name]);
  const found = new Map();
  const importFrom = (layer, path) => {
    if (!found.has(layer)) found.set(layer, new Set());
    found.get(layer).add(path);
    return `module.exports = require('azsess:${layer}').modules[${JSON.stringify(path)}]();`;
  };
  // The dry run lists all of a layer's modules, so that all their imports are seen.
  const listed = (layer) => (exported ? [...(exported.get(layer) ?? [])] : [...layerOf].filter(([, l]) => l === layer).map(([p]) => p));
  const build = (file, lines, layer, plugin) => buildBundle(file, lines, listed(layer).sort(), plugin, exported !== undefined);
  const file = (layer) => (layer === 'core' ? `${name}.cjs` : `${name}-${layer}.cjs`);
  const inputs = {};
  // Each layer bundles its own modules; another layer's come from that layer, anything else from `more`.
  for (const [layer, entries] of layers) {
    const run = layer === 'core' ? [`exports.run = () => require('./${entries[0]}').run();`] : [];
    const plugin = crossBundle((path) => (layerOf.get(path) === layer ? undefined : importFrom(layerOf.get(path) ?? 'more', path)));
    inputs[file(layer)] = inputsOf(await build(file(layer), run, layer, plugin));
  }
  // `more` exports what the layers above import from it.
  const plugin = crossBundle((path) => (layerOf.has(path) ? importFrom(layerOf.get(path), path) : undefined));
  inputs[file('more')] = inputsOf(await buildBundle(file('more'), [], [...(found.get('more') ?? [])].sort(), plugin, exported !== undefined));
  return { inputs, found };
}

async function buildProgram(name) {
  const layerOf = new Map();
  for (const [layer, entries] of Object.entries(programs[name])) {
    for (const path of await staticClosure(entries)) if (!layerOf.has(path)) layerOf.set(path, layer);
  }
  const { found } = await buildLayers(name, layerOf, undefined);
  return (await buildLayers(name, layerOf, found)).inputs;
}

/**
 * undici reads constants of node:http2 when it loads, and needs the module itself only to open an
 * HTTP/2 connection, which azsess never asks for (undici's allowH2 stays off). Loading node:http2
 * (and with it tls and net) cost a refresh about 3 ms, so http.cjs gets a stand-in with the
 * constants, taken from Node when building, that loads the real module on any other use.
 */
const lazyHttp2 = {
  name: 'lazy-http2',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http2$/ }, (args) =>
      args.namespace === 'lazy-http2' ? { path: 'node:http2', external: true } : { path: 'node:http2', namespace: 'lazy-http2' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-http2' }, () => ({
      contents: [
        `const constants = ${JSON.stringify(process.getBuiltinModule('node:http2').constants)};`,
        'let http2;',
        "module.exports = new Proxy({ constants }, { get: (_, name) => (name === 'constants' ? constants : (http2 ??= require('node:http2'))[name]) });",
      ].join('\n'),
      loader: 'js',
    }));
  },
};

async function buildHttp() {
  const result = await esbuild.build({
    ...common,
    write: false,
    external: [],
    stdin: {
      contents: `module.exports = { ${undiciParts.map((p) => `'${p}': () => require('${p}')`).join(', ')} };`,
      resolveDir: root,
      sourcefile: 'http.js',
      loader: 'js',
    },
    outfile: join(outDir, 'http.cjs'),
    plugins: [lazyHttp2],
  });
  await finish(result, 'http.cjs');
  return { 'http.cjs': inputsOf(result) };
}

rmSync(outDir, { recursive: true, force: true });
const built = await Promise.all([buildProgram('azsess'), buildProgram('docker-credential-azsess'), buildHttp()]);
// What each bundle holds, for test/unit/bundle.test.ts (outside dist/bundle: not shipped).
writeFileSync(join(root, 'dist', 'bundle-inputs.json'), `${JSON.stringify(Object.assign({}, ...built), null, 1)}\n`);
