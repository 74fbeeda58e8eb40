import { createHttpClient } from '../../src/http/client.js';
import { createSender } from '../../src/http/retry.js';
import type { Log } from '../../src/domain/log.js';
import type { GrantRequest, ProtocolDeps, SignInPrompter } from '../../src/protocols/types.js';
import type { TestIdp } from '../idp/index.js';

/**
 * A clock for protocol functions called in-process: `sleep` moves time on at once, and records
 * how long it was asked to wait, so intervals, slow_down and expiry are tested without waiting.
 * `onSleep` runs inside each sleep: what a person does meanwhile (approving a device code).
 */
export class FakeClock {
  #ms: number;
  readonly sleeps: number[] = [];
  onSleep: ((n: number) => Promise<void> | void) | undefined;

  constructor(start = Date.now()) {
    this.#ms = start;
  }

  ms = (): number => this.#ms;
  now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.#ms += ms;
    await this.onSleep?.(this.sleeps.length);
  };
}

/** What a sign-in showed, and the log, for assertions. */
export interface Seen {
  userCodes: string[];
  ticks: number;
  done: number;
  verbose: string[];
}

/**
 * ProtocolDeps as cli/network.ts builds them (the real HTTP client, no proxy), with the fake
 * clock for `now`, the protocols' sleeps and the retries' sleeps.
 */
export function protocolDeps(clock: FakeClock, options: { signInWaitMs?: number; onDeviceCode?: (userCode: string) => void } = {}) {
  const seen: Seen = { userCodes: [], ticks: 0, done: 0, verbose: [] };
  const log: Log = { info() {}, warn() {}, verbose: (text) => void seen.verbose.push(text) };
  const controller = new AbortController();
  const client = createHttpClient({ httpProxy: '', httpsProxy: '', noProxy: '' }, controller.signal);
  const senderUntil = (deadline: number) => createSender(client, { deadline, log, now: clock.ms, sleep: clock.sleep });
  const prompt: SignInPrompter = {
    showDeviceCode: (info) => {
      seen.userCodes.push(info.userCode);
      options.onDeviceCode?.(info.userCode);
    },
    tick: () => void seen.ticks++,
    done: () => void seen.done++,
    showAuthorizeUrl: async () => {},
  };
  const deps: ProtocolDeps = {
    http: senderUntil(clock.ms() + 60_000),
    log,
    now: clock.now,
    sleep: clock.sleep,
    signal: controller.signal,
    env: {},
    platform: process.platform,
    prompt,
    readFile: () => {
      throw new Error('no files in these tests');
    },
    readBytes: () => {
      throw new Error('no files in these tests');
    },
    senderUntil,
    ...(options.signInWaitMs !== undefined ? { signInWaitMs: options.signInWaitMs } : {}),
  };
  return { deps, seen };
}

/** A request for the test IdP's public client: a token for ARM, Storage consented too. */
export function userRequest(idp: TestIdp, scope = ['openid', 'offline_access', 'https://management.azure.com/user_impersonation']): GrantRequest {
  return {
    authority: idp.url,
    tenant: idp.tenantId,
    clientId: idp.publicClientId,
    resource: '',
    scope,
    scopeAuth: [...scope, 'https://storage.azure.com/user_impersonation'],
    identity: {},
  };
}
