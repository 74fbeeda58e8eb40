/**
 * Diagnostics for people, on stderr. The CLI implements it (colour, redaction); every other
 * layer receives it and never prints on its own.
 */
export interface Log {
  /** Progress a person watching should see (a sign-in prompt, a summary line). */
  info(message: string): void;
  /** Something the user should fix or know, once. */
  warn(message: string): void;
  /** Only with --verbose: what azsess is doing and why. */
  verbose(message: string): void;
}

/** For code paths and tests that want no output. */
export const silentLog: Log = { info() {}, warn() {}, verbose() {} };
