#!/usr/bin/env node
'use strict';
/**
 * `azsess`. The loader lives here rather than in a module of its own, which would cost every run
 * of `azsess` a module load (about 0.15 ms): a cache hit is what git and scripts run most.
 *
 * Loads a program of azsess from its CommonJS bundles (scripts/bundle.mjs): the core at once,
 * each other layer (`<name>-engine.cjs`, `<name>-refresh.cjs`, `<name>-more.cjs`) on the first
 * import that needs it, `http.cjs` (undici) when a request is due. Each is compiled from V8's code cache when one made
 * by this Node version sits beside it (the build makes them; V8 ignores a cache from another
 * version or flags). Start-up time is what users of a credential helper feel, and compiling is a
 * large part of it (docs/performance.md).
 * AZSESS_V8_CACHE_WRITE=1 writes the caches of the bundles a run loaded (the build's training
 * runs use it, scripts/code-cache.mjs).
 */
// Node's own modules straight from Node: quicker than through the module loader.
const { readFileSync, renameSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');
const { Script } = process.getBuiltinModule('node:vm');
// Node's module class, without loading `node:module` and what it brings (a few tenths of a ms).
const Module = module.constructor;

const dir = join(__dirname, '..', 'dist', 'bundle');

/**
 * Training only: the caches still to write. A cache records V8's flags, and a request sets
 * --liftoff-only (src/cli/network.ts), after which V8 would reject it in a fresh process; so the
 * bundles loaded by then are written just before (without what runs after it), and those that
 * load only after it (the HTTP bundle, the docker helper's other protocols) when the process
 * exits. (Unsetting the flag does not restore V8's flag hash: the flags it
 * implied stay changed.)
 */
const unwritten = process.env.AZSESS_V8_CACHE_WRITE ? new Map() : undefined;
if (unwritten) {
  const flush = () => {
    for (const [cacheFile, script] of unwritten) {
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    }
    unwritten.clear();
  };
  const v8 = process.getBuiltinModule('node:v8');
  const setFlagsFromString = v8.setFlagsFromString;
  v8.setFlagsFromString = (flags) => {
    flush();
    setFlagsFromString(flags);
  };
  process.on('exit', flush);
}

/** Runs one bundle; `provided` answers the names its `require` must not take from Node. */
function runBundle(name, provided) {
  const file = join(dir, name);
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache: compile as usual.
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  // Node's own modules straight from Node; packages (`open`, undici if http.cjs lacks a part)
  // through a require made when first needed.
  let nodeRequire;
  const bundleRequire = (id) => provided(id) ?? process.getBuiltinModule(id) ?? (nodeRequire ??= Module.createRequire(file))(id);
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, bundleRequire, bundle, file, dir);
  unwritten?.set(cacheFile, script);
  return bundle.exports;
}

/** A value made on first use. */
function once(make) {
  let value;
  return () => (value ??= make());
}

/** The core of program `name` (its `run` starts it); its other layers load when first imported. */
function loadProgram(name) {
  const http = once(() => runBundle('http.cjs', () => undefined));
  const layers = new Map();
  const layer = (part) => {
    if (!layers.has(part)) layers.set(part, runBundle(part === 'core' ? `${name}.cjs` : `${name}-${part}.cjs`, provided));
    return layers.get(part);
  };
  // Layers reach each other as `azsess:<layer>`; the undici modules come from the HTTP bundle
  // (any other undici name falls through to node_modules).
  const provided = (id) => (id.startsWith('azsess:') ? layer(id.slice(7)) : id.startsWith('undici/') ? http()[id]?.() : undefined);
  return layer('core');
}

// bin/docker-credential-azsess.js loads its program with this same loader.
module.exports = loadProgram;
if (require.main === module) loadProgram('azsess').run();
