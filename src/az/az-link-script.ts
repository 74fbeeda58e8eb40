import { azLinkMarker } from '../domain/az-link-text.js';

/**
 * The `az` that `azsess setup az` writes: a small Node script that runs azsess's Azure CLI entry
 * (`azsess az ...`) through the same loader as bin/azsess.js, so a cache hit costs what
 * `azsess token`'s does. It works whether Node reads it as CommonJS or as an ES module (a
 * package.json with "type": "module" above the directory would make it one).
 */

export interface AzLinkTarget {
  /** The Node that runs it (absolute: callers run az with PATHs that may not have node). */
  node: string;
  /** bin/azsess.js, absolute, links resolved. */
  script: string;
  /** The home named by --home at setup, used when AZSESSIONS_HOME is unset. */
  home?: string;
}

/** A path as a JavaScript string literal. */
const literal = (text: string) => JSON.stringify(text);

export function azLinkText(target: AzLinkTarget): string {
  // A shebang line ends at the first space: a Node path with one is found on PATH instead.
  const shebang = /\s/.test(target.node) ? '#!/usr/bin/env node' : `#!${target.node}`;
  return [
    shebang,
    `// ${azLinkMarker}: written by 'azsess setup az'. Tools that run the Azure CLI get azsess's tokens`,
    "// from it; what azsess does not answer goes to the next az on PATH (docs/az.md). Run 'azsess setup az' to rewrite it.",
    "'use strict';",
    ...(target.home ? [`process.env.AZSESSIONS_HOME ??= ${literal(target.home)};`] : []),
    "process.argv.splice(2, 0, 'az');",
    `const script = ${literal(target.script)};`,
    "const load = typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(script);",
    "load(script)('azsess').run();",
    '',
  ].join('\n');
}
