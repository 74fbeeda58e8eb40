import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from '../../src/io/find-program.js';
import { azsessBin } from '../support/paths.js';
import { startSecretService } from '../support/secret-service.js';
import { timeRun } from './measure.js';
import type { BenchWorld } from './setup.js';

/** A copy of the bench's signed-in home switched to `--token-store keychain`, on a gnome-keyring of its own. */
export interface KeychainHome {
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Undefined when gnome-keyring is not installed (the row is then left out, and the report says so). */
export async function keychainHome(w: BenchWorld): Promise<KeychainHome | undefined> {
  if (!findOnPath('gnome-keyring-daemon', process.env.PATH) || !findOnPath('dbus-daemon', process.env.PATH)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'azsess-bench-keychain-'));
  const keyring = await startSecretService(join(dir, 'keyring'));
  const userHome = join(dir, 'user');
  cpSync(w.userHome, userHome, { recursive: true });
  const env = { ...w.env, HOME: userHome, ...keyring.env };
  const close = async () => {
    await keyring.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  for (const args of [['write-manifest', '--token-store', 'keychain'], ['token']]) {
    const run = await timeRun({ cmd: process.execPath, args: [azsessBin, ...args], env });
    if (run.code !== 0) {
      await close();
      throw new Error(`keychain home: azsess ${args.join(' ')} failed with exit ${run.code}`);
    }
  }
  return { env, close };
}
