/**
 * Loaded with `node --import` into a benchmarked process: at exit it appends the process's peak
 * resident set size (KiB) to the file named by AZSESS_BENCH_RSS_FILE. Nothing else changes.
 */
import { appendFileSync } from 'node:fs';

const file = process.env.AZSESS_BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
