import { isIP } from 'node:net';
import { rememberSecret } from '../../domain/redact.js';
import { checkedResource } from '../../domain/resource-id.js';
import { defaultResource } from '../../core/token-query.js';
import { writePrivateFile } from '../../io/private-file.js';
import { newServeSecret } from '../../serve/secret.js';
import { serveEngine } from '../../serve/serve-engine.js';
import { createTokenSource, type TokenEngine } from '../../serve/token-source.js';
import { startTokenServer, type TokenServer } from '../../serve/token-server.js';
import type { CliContext } from '../context.js';
import { readCertificatePassword } from '../credential-input.js';
import { startRuntime, type Runtime } from '../runtime.js';
import { refuseSignInFlags, type ServeOptions } from './serve-spec.js';

function isLoopback(address: string): boolean {
  return (isIP(address) === 4 && address.startsWith('127.')) || address === '::1' || address.startsWith('::ffff:127.');
}

/** Says on stderr who can get tokens from the server. */
function reachSentence(host: string, server: TokenServer): string {
  const secret = 'knows IDENTITY_HEADER gets tokens as the signed-in identity';
  if (isLoopback(host)) return `Serving tokens at ${server.endpoint}: a program on this machine that ${secret}. Stop with Ctrl-C.`;
  const where = host === '0.0.0.0' || host === '::' ? `every address of this machine, port ${server.port}` : `${host} port ${server.port}`;
  return `Listening on ${where}, not only loopback: any machine or container that can reach it and ${secret}. Stop with Ctrl-C.`;
}

/**
 * The first SIGINT or SIGTERM. The handlers stay until the server has closed: signal-exit (under
 * proper-lockfile) re-raises a signal that it finds no other handler for, which would end the
 * process before the listener is closed.
 */
function stopSignal(): { stopped: Promise<NodeJS.Signals>; release(): void } {
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const on = (signal: NodeJS.Signals) => resolve(signal);
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    stopped,
    release: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** `azsess serve`: listens until SIGINT or SIGTERM, then closes and returns (exit 0). */
export async function runServe(opts: ServeOptions, ctx: CliContext): Promise<void> {
  refuseSignInFlags(opts);
  const startedAt = ctx.now().getTime();
  const rt = await startRuntime(ctx, opts, { flag: opts.timeout });
  const stop = new AbortController();
  const certificatePassword = await readCertificatePassword(opts, ctx);
  const engine = serveEngine({
    flags: opts,
    env: ctx.env,
    home: rt.home.value,
    extras: certificatePassword !== undefined ? { certificatePassword } : {},
    store: rt.store,
    log: rt.log,
    now: ctx.now,
    buildNetwork: () => import('../network.js').then(({ buildNetwork }) => buildNetwork(rt, stop.signal)),
    requestBudgetMs: rt.deadline - startedAt,
  });
  // Settings that cannot make a query fail now, with their exit code, not on every request.
  for (const resource of opts.allowResource ?? [defaultResource]) engine.queryFor(checkedResource(resource, '--allow-resource'));
  const stopping = stopSignal();
  try {
    await serveUntilStopped(opts, rt, engine, stopping.stopped, stop);
  } finally {
    stopping.release();
  }
}

/** Listens, says where (stdout, --write-env, stderr), and closes on the stop signal. */
async function serveUntilStopped(opts: ServeOptions, rt: Runtime, engine: TokenEngine, stopped: Promise<NodeJS.Signals>, stop: AbortController) {
  const secret = newServeSecret();
  rememberSecret(secret);
  const host = opts.bind ?? '127.0.0.1';
  const server = await startTokenServer({
    host,
    port: opts.port ?? 0,
    secret,
    ...(opts.allowResource ? { allowedResources: opts.allowResource } : {}),
    tokens: createTokenSource(engine),
    logLine: (line) => rt.log.info(line),
    now: rt.ctx.now,
  });
  let signal: NodeJS.Signals;
  try {
    const lines = `IDENTITY_ENDPOINT=${server.endpoint}\nIDENTITY_HEADER=${secret}\n`;
    // The file first: whoever waits for stdout may read it at once.
    if (opts.writeEnv) writePrivateFile(opts.writeEnv, lines, 'the --write-env file');
    rt.ctx.stdout.write(lines);
    if (isLoopback(host)) rt.log.info(reachSentence(host, server));
    else rt.log.warn(reachSentence(host, server));
    signal = await stopped;
    stop.abort();
  } finally {
    await server.close();
  }
  rt.log.info(`Stopped on ${signal}; the listener is closed.`);
}
