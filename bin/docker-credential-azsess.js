#!/usr/bin/env node
'use strict';
// The loader is bin/azsess.js's (required, it runs nothing of azsess's own).
require('./azsess.js')('docker-credential-azsess').run();
