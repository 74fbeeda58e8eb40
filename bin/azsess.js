#!/usr/bin/env node
'use strict';
// CommonJS, one bundle: Node 20 starts a CommonJS file faster than an ES module graph, and the
// bundle loads commander, chalk and undici only on the paths that need them.
require('./load-bundle.js')('azsess.cjs').run();
