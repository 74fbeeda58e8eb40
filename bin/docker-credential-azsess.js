#!/usr/bin/env node
'use strict';
require('../dist/bundle/docker-credential-azsess.cjs').run();
