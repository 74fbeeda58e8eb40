import type { SignInPrompter } from '../protocols/types.js';
import type { CliContext } from './context.js';
import type { CliLog } from './render.js';

function remaining(expiresAt: Date, now: Date): string {
  const s = Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Shows a person how to sign in, on stderr: the URL and the code stand out; on a terminal a
 * countdown follows, elsewhere (CI logs, a parent process reading stderr) plain lines only.
 */
export function createPrompter(ctx: CliContext, log: CliLog): SignInPrompter {
  const c = log.colours;
  let timer: NodeJS.Timeout | undefined;
  let expiry: Date | undefined;
  const drawCountdown = () => {
    if (expiry) ctx.stderr.write(`\r${c.dim(`Waiting for the sign-in; the code expires in ${remaining(expiry, ctx.now())}`)}\x1b[K`);
  };
  return {
    showDeviceCode({ verificationUri, userCode, expiresAt }) {
      const minutes = Math.round((expiresAt.getTime() - ctx.now().getTime()) / 60000);
      log.info(`To sign in, open ${c.underline(c.cyan(verificationUri))} and enter the code ${c.bold(c.yellow(userCode))}`);
      if (!ctx.stderrIsTTY) {
        log.info(`The code expires in ${minutes} min, at ${expiresAt.toISOString().slice(11, 16)} UTC.`);
        return;
      }
      expiry = expiresAt;
      drawCountdown();
      timer = setInterval(drawCountdown, 1000);
      timer.unref();
    },
    tick(expiresAt) {
      expiry = expiresAt;
    },
    done() {
      if (timer) clearInterval(timer);
      if (expiry && ctx.stderrIsTTY) ctx.stderr.write('\r\x1b[K');
      timer = undefined;
      expiry = undefined;
    },
  };
}
