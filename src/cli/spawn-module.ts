/**
 * child_process behind a module of its own, so that a refresh, which builds the sign-in prompter
 * but opens no browser, does not load it: `browser.ts` imports this file lazily.
 */
export { spawn } from 'node:child_process';
