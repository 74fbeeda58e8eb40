/**
 * tldts behind a module of its own, so the bundle requires it (and the Public Suffix List it
 * carries) only when an `--allow-host` wildcard is checked: public-suffix.ts imports this lazily.
 */
export { parse } from 'tldts';
