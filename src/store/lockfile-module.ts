/**
 * proper-lockfile behind a module of its own, so the bundle requires it (graceful-fs and all)
 * only when a lock is really tried: `lock.ts` imports this file lazily.
 */
export { default as lockfile } from 'proper-lockfile';
