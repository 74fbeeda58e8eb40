import * as openModule from 'open';

/**
 * The `open` package behind a module of its own, so the bundle requires it only when a browser
 * is really opened (browser.ts imports this file lazily). `open` is ES-module only: the CommonJS
 * bundle loads it with require(esm) (Node 20.19 and later), and then its default export arrives
 * one level down, under the namespace that the bundle's interop calls `default`.
 */
type Open = typeof openModule.default;
const imported = openModule.default as Open | { default: Open };

export const open: Open = typeof imported === 'function' ? imported : imported.default;
