/**
 * proper-lockfile behind a module of its own, so the bundle requires it only when a lock is really
 * tried: `lock.ts` imports this file lazily. (The bundles give it Node's fs for graceful-fs, which
 * it requires but never uses here: azsess hands it a file system of its own.)
 */
export { default as lockfile } from 'proper-lockfile';
