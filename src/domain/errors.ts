/**
 * The error vocabulary of azsess. Every layer throws these; only `cli/main.ts` turns them into an
 * exit code and a line on stderr. Messages are shown to users as they are: one sentence that says
 * what happened and what to do, and never a token or a secret.
 */

/** The documented exit codes (docs/exit-codes.md). */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  interactionRequired: 3,
  authenticationFailed: 4,
  service: 5,
  config: 6,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A message as the user reads it: one line (a quoted server text may hold line breaks), starting
 * with a capital (messages may start with a name: "the token endpoint ...").
 */
export function asSentence(message: string): string {
  const line = message.replace(/\s*[\r\n]+\s*/g, ' ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}

export class AzsessError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A bad flag, a bad value, an unknown protocol: exit 2. */
export class UsageError extends AzsessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** A sign-in is needed but not allowed here (no TTY, --no-interactive): exit 3. */
export class InteractionRequiredError extends AzsessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.interactionRequired, options);
  }
}

/** Details Entra puts in an error body; quoted so a user can open a support case. */
export interface EntraErrorDetails {
  error?: string;
  errorCodes?: number[];
  traceId?: string;
  correlationId?: string;
  clientRequestId?: string;
  /** A claims challenge carried by the error, to replay on the next sign-in. */
  claims?: string;
}

/** The identity provider said no (bad secret, declined sign-in, expired code): exit 4. */
export class AuthenticationError extends AzsessError {
  readonly details: EntraErrorDetails;

  constructor(message: string, details: EntraErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, ExitCode.authenticationFailed, options);
    this.details = details;
  }
}

/** The network or a service failed, even after retries, or answered nonsense: exit 5. */
export class ServiceError extends AzsessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.service, options);
  }
}

/** The configuration is wrong (manifest, environment, a busy port that was asked for): exit 6. */
export class ConfigError extends AzsessError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.config, options);
  }
}

/** Ctrl-C during a sign-in: exit 130, nothing written. */
export class InterruptedError extends AzsessError {
  constructor(message = 'Interrupted; nothing was saved.') {
    super(message, ExitCode.interrupted);
  }
}
