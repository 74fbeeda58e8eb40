import type { Log } from '../domain/log.js';
import type { Sender } from '../http/retry.js';
import type { AssertionAlgorithm } from '../oauth/client-assertion.js';
import type { TokenResult } from '../oauth/token-response.js';
import type { FederatedSource } from './assertion-sources/types.js';
import type { IdentitySelector } from './managed-identity/types.js';

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

/** A client certificate as the settings name it; the file is read when a token is due. */
export interface ClientCertificate {
  /** PEM or PKCS#12 file with the private key and its certificate (and, optionally, the chain). */
  path: string;
  /** Password of an encrypted private key or of a PKCS#12 file. */
  password?: string;
  algorithm: AssertionAlgorithm;
  sendChain: boolean;
}

/** How a browser sign-in goes; only `redirectUri` is recorded in the session. */
export interface BrowserSignIn {
  /** As configured; its port is only a preference unless `redirectUriGiven`. */
  redirectUri: string;
  /** Given by the user (--redirect-uri): a busy port is then an error, not a reason to move. */
  redirectUriGiven: boolean;
  loginHint?: string;
  domainHint?: string;
}

/**
 * What a grant is asked for: the part of a token query (core/token-query.ts) a protocol reads.
 * Each grant reads only its own fields (a managed identity its `identity`, a browser sign-in
 * its `browser`).
 */
export interface GrantRequest extends AppTarget {
  /** App-only grants: the one resource of the token. */
  resource: string;
  /** User grants: what is consented at sign-in, the asked scope first. */
  scopeAuth: readonly string[];
  /** User grants: the scope of the token asked for. */
  scope: readonly string[];
  identity: IdentitySelector;
  clientSecret?: string;
  certificate?: ClientCertificate;
  federated?: FederatedSource;
  browser?: BrowserSignIn;
  /** The `claims` parameter to send: a resource's challenge, plus cp1 with --cae. */
  claims?: string;
  /** The account asked for (a UPN or an object id), and the one the query's session names. */
  accountSelector?: string;
  account?: { upn?: string };
}

export interface GrantResult extends TokenResult {
  /** Auth code flow: the redirect URI as configured, recorded in the session. */
  redirectUri?: string;
}

/**
 * One way of getting a token, as its protocol module exports it (`export const grant`): a user
 * grant signs a person in, an app-only grant gets a token for the request's resource.
 */
export interface Grant {
  acquire(request: GrantRequest, deps: ProtocolDeps): Promise<GrantResult>;
}
