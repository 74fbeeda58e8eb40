/**
 * Calls that ask for the same key while one is running share its promise: many SDK calls for one
 * resource make one refresh. A caller that looked in the cache before a call finished (and so
 * missed its result) passes the `mark()` it took then, and gets that result too. Failures are
 * not kept.
 */
export interface SingleFlight<T> {
  /** A point in time to pass to `run`: results that finish after it count as shared. */
  mark(): number;
  run(key: string, work: () => Promise<T>, since: number): { result: Promise<T>; joined: boolean };
}

export function singleFlight<T>(): SingleFlight<T> {
  let finishedCount = 0;
  const running = new Map<string, Promise<T>>();
  const finished = new Map<string, { at: number; value: T }>();
  return {
    mark: () => finishedCount,
    run(key, work, since) {
      const existing = running.get(key);
      if (existing) return { result: existing, joined: true };
      const done = finished.get(key);
      if (done && done.at > since) return { result: Promise.resolve(done.value), joined: true };
      const result = work()
        .then((value) => {
          finished.set(key, { at: ++finishedCount, value });
          return value;
        })
        .finally(() => running.delete(key));
      running.set(key, result);
      return { result, joined: false };
    },
  };
}
