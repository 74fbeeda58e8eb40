import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IssuedValues } from '../idp/issued-values.js';

/**
 * The secret-leak scan. Every token, refresh token, id token, code, secret and assertion the test
 * servers issue is recorded (test/idp/issued-values.ts); after every azsess run, runCli looks for
 * any of them in its stderr and in the files azsess writes outside its store, and fails the test.
 * So no test can forget to check, `--verbose` runs included.
 */

/** Files azsess may write outside the store: the configs `azsess setup` edits. */
export function configFilesOf(env: Record<string, string>): string[] {
  const home = env.HOME;
  const files = [env.GIT_CONFIG_GLOBAL, env.DOCKER_CONFIG && join(env.DOCKER_CONFIG, 'config.json'), ...(env.KUBECONFIG ?? '').split(':')];
  if (home) files.push(join(home, '.gitconfig'), join(home, '.config', 'git', 'config'), join(home, '.docker', 'config.json'), join(home, '.kube', 'config'));
  return [...new Set(files.filter((f): f is string => Boolean(f)))];
}

export interface Leak {
  where: string;
  kinds: string[];
}

/** Issued secrets found in a run's stderr or in the config files it may have written. */
export function findLeaks(stderr: string, env: Record<string, string>): Leak[] {
  const leaks: Leak[] = [];
  const describe = (values: string[]) => values.map((v) => [...IssuedValues.all].map((r) => r.kindOf(v)).find(Boolean) ?? 'secret');
  const inStderr = IssuedValues.findInAll(stderr);
  if (inStderr.length > 0) leaks.push({ where: 'stderr', kinds: describe(inStderr) });
  for (const file of configFilesOf(env)) {
    if (!existsSync(file)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const found = IssuedValues.findInAll(text);
    if (found.length > 0) leaks.push({ where: file, kinds: describe(found) });
  }
  return leaks;
}
