import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A real Secret Service for one test file: a private D-Bus session bus (dbus-daemon) with Debian's
 * gnome-keyring on it, its login keyring made and unlocked with a password on stdin (no prompt),
 * all its files under `dir`. azsess reaches it through `env` (DBUS_SESSION_BUS_ADDRESS). Both
 * are children of the test, stopped by `stop`.
 */
export interface SecretService {
  /** What a process needs to reach this Secret Service. */
  env: Record<string, string>;
  /** Locks the login keyring, as a screen lock or `secret-tool lock` would. */
  lock(): void;
  /** The secret stored under these attributes (secret-tool lookup), or undefined. */
  lookup(attributes: Record<string, string>): string | undefined;
  /** Removes what is stored under these attributes (secret-tool clear). */
  clear(attributes: Record<string, string>): void;
  stop(): Promise<void>;
}

const password = 'azsess-test-keyring';

export async function startSecretService(dir: string): Promise<SecretService> {
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const own = { HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: join(dir, 'config'), PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const bus: ChildProcess = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env: own, stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    bus.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n', 1)[0]!.trim());
    });
    bus.on('error', reject);
    bus.on('exit', (code) => reject(new Error(`dbus-daemon exited (${code}) before giving its address`)));
  });
  const env = { ...own, DBUS_SESSION_BUS_ADDRESS: address };
  const tool = (cmd: string, args: string[], input?: string) => {
    const r = spawnSync(cmd, args, { env, input: input ?? '', encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  // The daemon on this bus, in the foreground so that it is a child to stop (it does not always
  // leave with its bus), the login keyring made and unlocked with the password on stdin.
  const daemon: ChildProcess = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
  daemon.stdin!.end(password);
  const owned = () => /boolean true/.test(tool('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets']));
  for (let waited = 0; !owned(); waited += 50) {
    if (waited > 20_000 || daemon.exitCode !== null) throw new Error('gnome-keyring-daemon did not come up on the test bus');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const call = (method: string) =>
    tool('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', `org.freedesktop.Secret.Service.${method}`, 'array:objpath:/org/freedesktop/secrets/collection/login']);
  return {
    env: { DBUS_SESSION_BUS_ADDRESS: address },
    lock: () => void call('Lock'),
    lookup: (attributes) => {
      const r = spawnSync('secret-tool', ['lookup', ...Object.entries(attributes).flat()], { env, encoding: 'utf8', timeout: 20_000 });
      return r.status === 0 ? r.stdout : undefined;
    },
    clear: (attributes) => void tool('secret-tool', ['clear', ...Object.entries(attributes).flat()]),
    stop: async () => {
      for (const child of [daemon, bus]) {
        await new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.on('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
    },
  };
}
