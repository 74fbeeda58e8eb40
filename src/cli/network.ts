import { setFlagsFromString } from 'node:v8';
import type { ProtocolDeps } from '../protocols/types.js';
import { createSender } from '../http/retry.js';
import { displayAuthority } from '../domain/authority.js';
import { ConfigError, InterruptedError } from '../domain/errors.js';
import type { ProxySettings } from '../http/client.js';
import { readSmallFile, readSmallFileBytes } from '../io/read-file.js';
import { createPrompter, type BrowserChoice } from './prompter.js';
import { ensureColours } from './render.js';
import type { Runtime } from './runtime.js';

/** Ctrl-C aborts a sign-in cleanly (exit 130, nothing written); a second one ends at once. */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

function abortableSleep(signal: AbortSignal) {
  return (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new InterruptedError());
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new InterruptedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
}

/** What a browser sign-in needs from the command line: --no-browser, and --timeout when given. */
export interface SignInChoices extends BrowserChoice {
  signInWaitMs?: number;
}

/**
 * The choices from `token` or `login` options. --timeout bounds the wait for the person (browser
 * or device code) only when it was given (else 300 s, or the life of the device code): neither
 * parser defaults it.
 */
export function signInChoices(opts: { browser?: boolean; timeout?: number; promptFormat?: 'text' | 'json' }): SignInChoices {
  return {
    noBrowser: opts.browser === false,
    ...(opts.promptFormat ? { promptFormat: opts.promptFormat } : {}),
    ...(opts.timeout !== undefined ? { signInWaitMs: opts.timeout * 1000 } : {}),
  };
}

/** The network side of a command, with colours for sign-in prompts and Ctrl-C handling. */
export async function startNetwork(rt: Runtime, choices: SignInChoices = {}): Promise<ProtocolDeps> {
  await ensureColours(rt.ctx);
  return buildNetwork(rt, interruptSignal(), choices);
}

/** The proxy variables (both cases, as curl reads them); a value that is not an http(s) URL is exit 6. */
export function proxySettings(env: Runtime['ctx']['env']): ProxySettings {
  const variable = (lower: string): string => {
    const name = env[lower] !== undefined ? lower : lower.toUpperCase();
    const value = env[name] ?? '';
    if (value !== '' && !isProxyUrl(value)) {
      throw new ConfigError(`The proxy in ${name} ('${displayAuthority(value)}') is not a URL such as http://proxy.example.com:3128; fix or unset ${name}.`);
    }
    return value;
  };
  return { httpProxy: variable('http_proxy'), httpsProxy: variable('https_proxy'), noProxy: env.no_proxy ?? env.NO_PROXY ?? '' };
}

function isProxyUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

/** The network side of a command, built only when a request is due: undici loads here. */
export async function buildNetwork(rt: Runtime, signal: AbortSignal, choices: SignInChoices = {}): Promise<ProtocolDeps> {
  // undici parses HTTP with a WebAssembly build of llhttp. V8's background optimising compile of
  // it makes a process that is about to exit wait for it (100 ms and more); baseline code is
  // plenty for a few kilobytes of response. It must be set before the module is compiled.
  setFlagsFromString('--liftoff-only');
  const { createHttpClient } = await import('../http/client.js');
  const env = rt.ctx.env;
  const client = createHttpClient(proxySettings(env), signal);
  const sleep = abortableSleep(signal);
  const senderUntil = (deadline: number) => createSender(client, { deadline, log: rt.log, sleep, raiseDeadline: rt.raiseDeadline });
  return {
    http: senderUntil(rt.deadline),
    log: rt.log,
    now: rt.ctx.now,
    sleep,
    signal,
    env,
    platform: rt.ctx.platform,
    prompt: createPrompter(rt.ctx, rt.log, choices),
    readFile: readSmallFile,
    readBytes: readSmallFileBytes,
    senderUntil,
    ...(choices.signInWaitMs !== undefined ? { signInWaitMs: choices.signInWaitMs } : {}),
  };
}
