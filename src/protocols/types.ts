import type { Log } from '../core/log.js';
import type { Sender } from '../http/retry.js';
import type { TokenResult } from '../oauth/token-response.js';

/** What a protocol gets from the engine: it never reads the environment, the clock or files itself. */
export interface ProtocolDeps {
  /** HTTP with retries, bounded by the command's deadline. */
  http: Sender;
  log: Log;
  now: () => Date;
  /** Waits, unless the signal aborts first (then rejects with InterruptedError). */
  sleep: (ms: number) => Promise<void>;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** The process environment, as the CLI read it. */
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  /** Shows a person what to do to sign in (stderr). */
  prompt: SignInPrompter;
  /** Reads a small file outside the azsess home (a key file, a token file, a certificate). */
  readFile: (path: string, maxBytes: number) => string;
  /** The same, as bytes (a PKCS#12 certificate). */
  readBytes: (path: string, maxBytes: number) => Buffer;
  /** Makes a sender with its own deadline (a device code flow lasts as long as its code). */
  senderUntil: (deadline: number) => Sender;
  /** How long a browser sign-in waits for a person (--timeout); unset: the protocol's default. */
  signInWaitMs?: number;
}

/** The interactive side of a sign-in, implemented by the CLI (cli/oauth's DisplayCode/BrowseURL). */
export interface SignInPrompter {
  showDeviceCode(info: { verificationUri: string; userCode: string; expiresAt: Date; message?: string }): void;
  /** Called on every poll, so a terminal can update a countdown. */
  tick(expiresAt: Date): void;
  done(): void;
  /** Auth code flow: opens the authorize URL in a browser, or shows it where none can open; never throws. */
  showAuthorizeUrl(url: string): Promise<void>;
}

/** Where to sign in and as which app. */
export interface AppTarget {
  authority: string;
  tenant: string;
  clientId: string;
}

export type { TokenResult };
