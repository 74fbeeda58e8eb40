'use strict';
/**
 * Loads a CommonJS bundle of azsess, compiled from V8's code cache when one made by this Node
 * version sits beside it (the build makes one; V8 ignores a cache from another version or flags).
 * Start-up time is what users of a credential helper feel, and compiling the bundle is a large
 * part of it. AZSESS_V8_CACHE_WRITE=1 writes the cache when the process exits (the build's
 * training run uses it).
 */
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');
const Module = require('node:module');

module.exports = function loadBundle(name) {
  const file = join(__dirname, '..', 'dist', 'bundle', name);
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache: compile as usual.
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, Module.createRequire(file), bundle, file, dirname(file));
  if (process.env.AZSESS_V8_CACHE_WRITE) {
    process.on('exit', () => {
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    });
  }
  return bundle.exports;
};
