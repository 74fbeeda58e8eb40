/**
 * Entra's loop detection (entra-protocol.md 4.6, AADSTS50196): a client that sends the same token
 * request again and again in a short time (it does not cache, or retries a failure blindly) is
 * refused. Entra's threshold is high, roughly a dozen identical requests in a few minutes.
 */
export interface LoopDetectionOptions {
  /** Identical requests allowed within the window; the next one is refused (default 12). */
  threshold: number;
  /** Length of the window, in seconds (default 300). */
  windowSeconds: number;
}

export const ENTRA_LOOP_DETECTION: LoopDetectionOptions = { threshold: 12, windowSeconds: 300 };

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * What makes two token requests "the same": the tenant and every form field. A client that signs
 * a fresh assertion for each request is not caught (each assertion differs): a known leniency.
 */
export function loopKey(tenant: string, form: Record<string, string>): string | undefined {
  // Polling repeats one request by design (RFC 8628); its pace is enforced with slow_down.
  if (form.grant_type === DEVICE_CODE) return undefined;
  const fields = Object.entries(form).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([tenant.toLowerCase(), fields]);
}

export class LoopDetector {
  readonly #seen = new Map<string, number[]>();

  constructor(readonly options: LoopDetectionOptions | false, private readonly now: () => number = Date.now) {}

  /** Records a request; true when it is one too many of its kind within the window. */
  isLoop(key: string | undefined): boolean {
    if (!this.options || key === undefined) return false;
    const now = this.now();
    const since = now - this.options.windowSeconds * 1000;
    const times = (this.#seen.get(key) ?? []).filter((t) => t > since);
    times.push(now);
    this.#seen.set(key, times);
    return times.length > this.options.threshold;
  }

  /** Forgets every request seen (a test's fresh start). */
  reset(): void {
    this.#seen.clear();
  }
}
