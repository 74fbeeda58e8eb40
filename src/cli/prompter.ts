import type { SignInPrompter } from '../protocols/types.js';
import { openInBrowser, planBrowser } from './browser.js';
import type { CliContext } from './context.js';
import type { CliLog } from './render.js';

/** How a sign-in is shown: --no-browser, and --prompt-format for the device code. */
export interface BrowserChoice {
  noBrowser?: boolean;
  /** json: the device code prompt as one JSON line, for programs that wrap azsess. */
  promptFormat?: 'text' | 'json';
}

/**
 * Opens the authorize URL, or says why it cannot and what to do; the URL is always printed on a
 * line of its own, so a person can copy it and a wrapper can read it.
 */
async function showAuthorizeUrl(ctx: CliContext, log: CliLog, url: string, choice: BrowserChoice): Promise<void> {
  const c = log.colours;
  const plan = planBrowser(ctx.env, ctx.platform, choice.noBrowser === true);
  if (plan.kind === 'show') {
    log.info(
      plan.reason
        ? `No browser can be opened here (${plan.reason}). Open this URL in a browser on this machine to sign in, or use --protocol device-code instead:`
        : 'To sign in, open this URL in a browser on this machine:',
    );
  } else {
    const failure = await openInBrowser(url, plan);
    log.info(failure ? `Could not open a browser (${failure}). Open this URL in a browser on this machine to sign in:` : 'Opened the sign-in page in your browser. If it did not open, go to:');
  }
  log.info(c.underline(c.cyan(url)));
  log.info(c.dim('Waiting for the sign-in to finish in the browser...'));
}

function remaining(expiresAt: Date, now: Date): string {
  const s = Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The countdown text that fits on one line of the terminal (a wrapped line would leave a new row
 * at every redraw), or undefined when not even the short form fits.
 */
function countdownText(left: string, columns: number | undefined): string | undefined {
  for (const text of [`Waiting for the sign-in; the code expires in ${left}`, `Code expires in ${left}`]) {
    if (columns === undefined || columns <= 0 || text.length < columns) return text;
  }
  return undefined;
}

/** The device code prompt as data (azure-identity's prompt_callback): expires_on in RFC 3339, UTC. */
function promptJson(info: { verificationUri: string; userCode: string; expiresAt: Date }): string {
  const expiresOn = info.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.stringify({ verification_uri: info.verificationUri, user_code: info.userCode, expires_on: expiresOn });
}

/**
 * Shows a person how to sign in, on stderr: the URL and the code stand out; on a terminal a
 * countdown follows, elsewhere (CI logs, a parent process reading stderr) plain lines only.
 */
export function createPrompter(ctx: CliContext, log: CliLog, choice: BrowserChoice = {}): SignInPrompter {
  const c = log.colours;
  let timer: NodeJS.Timeout | undefined;
  let expiry: Date | undefined;
  const drawCountdown = () => {
    const text = expiry && countdownText(remaining(expiry, ctx.now()), ctx.stderrColumns);
    if (text) ctx.stderr.write(`\r${c.dim(text)}\x1b[K`);
  };
  return {
    showDeviceCode(info) {
      const { verificationUri, userCode, expiresAt } = info;
      if (choice.promptFormat === 'json') {
        log.info(promptJson(info));
        return;
      }
      const minutes = Math.round((expiresAt.getTime() - ctx.now().getTime()) / 60000);
      log.info(`To sign in, open ${c.underline(c.cyan(verificationUri))} and enter the code ${c.bold(c.yellow(userCode))}`);
      if (!ctx.stderrIsTTY || !countdownText(remaining(expiresAt, ctx.now()), ctx.stderrColumns)) {
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
    showAuthorizeUrl: (url) => showAuthorizeUrl(ctx, log, url, choice),
  };
}
