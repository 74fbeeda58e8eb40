#!/usr/bin/env node
import { run } from '../dist/bundle/docker-main.js';

await run();
