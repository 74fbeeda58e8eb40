import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  kubectl: { package: 'kubernetes-client', present: () => onPath('kubectl') },
  openssl: { package: 'openssl', present: () => onPath('openssl') },
  'python3-azure': {
    package: 'python3-azure',
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import azure.identity'], { stdio: 'ignore' }).status === 0,
  },
  'python3-msal': {
    package: 'python3-msal',
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import msal'], { stdio: 'ignore' }).status === 0,
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
  const missing = needed.filter((name) => !programs[name].present());
  if (missing.length === 0) return false;
  const packages = [...new Set(missing.map((name) => programs[name].package))];
  const reason =
    `needs ${missing.map((name) => (name === programs[name].package ? name : `${name} (Debian package ${programs[name].package})`)).join(', ')}, ` +
    `which ${missing.length === 1 ? 'is' : 'are'} missing: apt-get install ${packages.join(' ')}, or run .ci/run`;
  if (underCi()) throw new Error(`CI=true and this test ${reason}`);
  return reason;
}
