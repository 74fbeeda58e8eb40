
/** How the sign-in page reaches a person. */
export type BrowserPlan =
  | { kind: 'open' }
  /** $BROWSER, split into words; the URL is added as the last argument. */
  | { kind: 'command'; command: string[] }
  /** Print the URL only; `reason` says why no browser can work here (absent: --no-browser). */
  | { kind: 'show'; reason?: string };

type Env = Readonly<Record<string, string | undefined>>;

const set = (value: string | undefined) => value !== undefined && value !== '';
const truthy = (value: string | undefined) => set(value) && !/^(0|false|no)$/i.test(value!);

/** WSL sets these in every shell; `open` then starts the Windows browser. */
export function isWsl(env: Env, platform: NodeJS.Platform): boolean {
  return platform === 'linux' && (set(env.WSL_DISTRO_NAME) || set(env.WSL_INTEROP));
}

/**
 * Decides whether to open a browser. $BROWSER wins (the user said which program; Codespaces and
 * WSL set it to a forwarder). A CI job or an SSH session has no person at a browser on this
 * machine, and Linux without a display has no browser at all: those print the URL with a hint
 * instead of hanging on a browser nobody sees.
 */
export function planBrowser(env: Env, platform: NodeJS.Platform, noBrowser: boolean): BrowserPlan {
  if (noBrowser) return { kind: 'show' };
  const words = (env.BROWSER ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length > 0) return { kind: 'command', command: words };
  if (truthy(env.CI)) return { kind: 'show', reason: 'this looks like a CI job (CI is set)' };
  if (set(env.SSH_CONNECTION) || set(env.SSH_TTY) || set(env.SSH_CLIENT)) return { kind: 'show', reason: 'this is an SSH session' };
  if (isWsl(env, platform)) return { kind: 'open' };
  const unixDesktop = platform !== 'darwin' && platform !== 'win32';
  if (unixDesktop && !set(env.DISPLAY) && !set(env.WAYLAND_DISPLAY)) {
    return { kind: 'show', reason: 'there is no graphical display: DISPLAY and WAYLAND_DISPLAY are unset' };
  }
  return { kind: 'open' };
}

async function startCommand(command: string[], url: string): Promise<void> {
  // Lazy: a refresh builds the sign-in prompter but opens no browser.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), url], { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      child.on('error', () => undefined);
      child.unref();
      resolve();
    });
  });
}

/** Opens the URL as planned; a sentence fragment saying why not when it could not. */
export async function openInBrowser(url: string, plan: Exclude<BrowserPlan, { kind: 'show' }>): Promise<string | undefined> {
  try {
    if (plan.kind === 'command') {
      await startCommand(plan.command, url);
    } else {
      const { open } = await import('./open-module.js');
      await open(url);
    }
    return undefined;
  } catch (err) {
    const what = plan.kind === 'command' ? `$BROWSER (${plan.command[0]})` : 'the system browser';
    return `${what} did not start: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}
