#!/usr/bin/env node
'use strict';
// CommonJS bundles: Node 20 starts a CommonJS file faster than an ES module graph. The core
// answers a cache hit; commander, chalk, the engine and undici load only on the paths that need them.
require('./load-bundle.js')('azsess').run();
