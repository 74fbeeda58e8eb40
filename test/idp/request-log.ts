import type { IncomingHttpHeaders } from 'node:http';

/** One request a test server received (recorded before any fault applies). */
export interface RequestRecord {
  method: string;
  /** Path without the query string, as sent (tenant segment included). */
  path: string;
  /** Endpoint name the server gives the path: `token`, `devicecode`, `authorize`, ... */
  endpoint: string;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  headers: IncomingHttpHeaders;
  query: Record<string, string>;
  /** Decoded form body, when the request had one. */
  form?: Record<string, string>;
  tenant?: string;
  grantType?: string;
  /** The resource asked for (first one when several), spelt as the request spelt it. */
  resource?: string;
  scope?: string;
  clientId?: string;
  /** HTTP status answered; unset while in flight or when the connection was dropped. */
  status?: number;
}

export type RequestFilter = Partial<Pick<RequestRecord,
  'method' | 'path' | 'endpoint' | 'tenant' | 'grantType' | 'resource' | 'scope' | 'clientId' | 'status'>>;

function matches(record: RequestRecord, filter: RequestFilter): boolean {
  return Object.entries(filter).every(([key, value]) => record[key as keyof RequestRecord] === value);
}

/** Log of every request a test server saw, in arrival order. */
export class RequestLog {
  readonly #entries: RequestRecord[] = [];
  readonly #waiters = new Set<() => void>();

  add(record: RequestRecord): RequestRecord {
    this.#entries.push(record);
    for (const wake of [...this.#waiters]) wake();
    return record;
  }

  /**
   * Resolves with the `n`-th record (1-based) matching `filter` once it has arrived: lets a test
   * act on an event at the server (the second poll, say) instead of after a fixed sleep.
   */
  waitFor(filter: RequestFilter, n = 1): Promise<RequestRecord> {
    return new Promise((resolve) => {
      const check = (): void => {
        const found = this.filter(filter)[n - 1];
        if (!found) return;
        this.#waiters.delete(check);
        resolve(found);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** A copy of every record, oldest first. */
  all(): RequestRecord[] {
    return [...this.#entries];
  }

  /** Records whose fields equal every field of `filter`. */
  filter(filter: RequestFilter = {}): RequestRecord[] {
    return this.#entries.filter((r) => matches(r, filter));
  }

  count(filter: RequestFilter = {}): number {
    return this.filter(filter).length;
  }

  last(filter: RequestFilter = {}): RequestRecord | undefined {
    return this.filter(filter).at(-1);
  }

  reset(): void {
    this.#entries.length = 0;
  }
}
