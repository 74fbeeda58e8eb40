/**
 * Entra's device code polling discipline (entra-protocol.md 2.3, 2.4; RFC 8628 §3.5): the first
 * poll must come `interval` seconds after the device code answer, each later poll `interval`
 * after the one before, and every `slow_down` adds 5 s to the interval for the rest of the flow.
 */

// Node timers may fire a millisecond early; a client that waits `interval` is not "too fast".
const POLL_TOLERANCE_MS = 20;
/** RFC 8628 §3.5: slow_down increases the interval by 5 seconds. */
const SLOW_DOWN_STEP_SECONDS = 5;

interface Flow {
  /** When the device code answer was issued, or the last poll arrived (epoch ms). */
  last: number;
  intervalSeconds: number;
}

export class DevicePolling {
  readonly #flows = new Map<string, Flow>();

  /** @param intervalSeconds the `interval` of the devicecode answer (0: no pacing at all). */
  constructor(readonly intervalSeconds: number, private readonly now: () => number = Date.now) {}

  /** A device code was issued at `at` (epoch ms; the arrival of its devicecode request). */
  issued(deviceCode: string, at: number = this.now()): void {
    this.#flows.set(deviceCode, { last: at, intervalSeconds: this.intervalSeconds });
  }

  /**
   * Records a poll; true when it came too early, in which case the flow's interval grows by
   * 5 s. A code this IdP never issued is left to the grant (bad_verification_code).
   */
  tooEarly(deviceCode: string): boolean {
    const flow = this.#flows.get(deviceCode);
    if (!flow || this.intervalSeconds <= 0) return false;
    const now = this.now();
    const early = now - flow.last < flow.intervalSeconds * 1000 - POLL_TOLERANCE_MS;
    flow.last = now;
    if (early) flow.intervalSeconds += SLOW_DOWN_STEP_SECONDS;
    return early;
  }

  /** The interval a flow is at now (seconds), for messages and self-tests. */
  intervalOf(deviceCode: string): number | undefined {
    return this.#flows.get(deviceCode)?.intervalSeconds;
  }
}
