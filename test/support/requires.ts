import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { findOnPath } from '../../src/io/find-program.js';

/**
 * Tests that drive a real client (a program from Debian) say so here. On a developer's machine
 * without it they are skipped with a reason that names the Debian package; under CI=true (where
 * .ci/run installs them all) a missing program fails the run instead, so CI never passes by
 * skipping. `npm test` lists the skipped tests at its end (test/support/skip-report.ts).
 */
const programs = {
  chromium: { package: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  'docker-registry': { package: 'docker-registry', present: () => onPath('docker-registry') },
  fish: { package: 'fish', present: () => onPath('fish') },
  git: { package: 'git', present: () => onPath('git') },
  'gnome-keyring': { package: 'gnome-keyring', present: () => onPath('gnome-keyring-daemon') && onPath('dbus-daemon') && onPath('dbus-send') },
  kubectl: { package: 'kubernetes-client', present: () => onPath('kubectl') },
  openssl: { package: 'openssl', present: () => onPath('openssl') },
  'secret-tool': { package: 'libsecret-tools', present: () => onPath('secret-tool') },
  'python3-azure': {
    package: 'python3-azure',
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import azure.identity'], { stdio: 'ignore' }).status === 0,
  },
  skopeo: { package: 'skopeo', present: () => onPath('skopeo') },
  zsh: { package: 'zsh', present: () => onPath('zsh') },
} as const;

export type Program = keyof typeof programs;

function underCi(): boolean {
  const ci = process.env.CI ?? '';
  return ci !== '' && ci !== 'false' && ci !== '0';
}

function onPath(name: string): boolean {
  return findOnPath(name, process.env.PATH) !== undefined;
}

/**
 * node:test's `skip` option for a test or suite that needs `needed`: false when all are here (or
 * under CI, where a missing one throws, failing the file), else the reason.
 */
export function requires(...needed: Program[]): false | string {
  for (const name of needed) declared.add(name);
  const missing = needed.filter((name) => !programs[name].present());
  if (missing.length === 0) return false;
  const packages = [...new Set(missing.map((name) => programs[name].package))];
  const reason =
    `needs ${missing.map((name) => (name === programs[name].package ? name : `${name} (Debian package ${programs[name].package})`)).join(', ')}, ` +
    `which ${missing.length === 1 ? 'is' : 'are'} missing: apt-get install ${packages.join(' ')}, or run .ci/run`;
  if (underCi()) throw new Error(`CI=true and this test ${reason}`);
  return reason;
}

/**
 * For a test that runs a client when it is there and passes without it (the fuzz run, whose
 * `setup git` lines may run git: it checks only that azsess answers with an exit code of its table).
 */
export function toleratesMissing(...clients: Program[]): void {
  for (const name of clients) declared.add(name);
}

/** What this test file (one process under node --test) declared through requires() or toleratesMissing(). */
const declared = new Set<Program>();

/** The program a command line runs, when it is one of the Debian clients above. */
function clientOf(file: string): Program | undefined {
  const name = basename(file);
  if (name === 'python3') return 'python3-azure';
  return Object.hasOwn(programs, name) ? (name as Program) : undefined;
}

/**
 * The guard every spawn helper calls (run-command.ts, run-cli.ts for the azsess commands that run
 * a client, and the fakes that start one): a test that runs a Debian client without declaring it
 * through requires() fails on every machine, so it cannot pass here and fail, unskipped, where the
 * client is missing.
 */
export function assertRequired(file: string): void {
  const client = clientOf(file);
  if (client === undefined || declared.has(client)) return;
  throw new Error(
    `this test runs ${basename(file)} without declaring it: give the test or its suite { skip: requires('${client}') } (test/support/requires.ts), ` +
      `so that it is skipped, naming the package, where ${basename(file)} is missing`,
  );
}

/** The clients an azsess command line runs itself (setup git runs git, setup kubectl kubectl). */
export function clientsOfAzsessArgs(args: readonly string[]): Program[] {
  if (args[0] === 'setup' && (args[1] === 'git' || args[1] === 'kubectl')) return [args[1]];
  return [];
}
