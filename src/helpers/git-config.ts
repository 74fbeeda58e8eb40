import { isLoopbackHost } from '../domain/authority.js';
import { defaultGitHosts } from './git-credential.js';

/**
 * What `azsess setup git` writes into git's configuration, as `git config` calls: for each Azure
 * DevOps URL an empty helper (which drops helpers configured before, such as a system-wide
 * credential manager, for these URLs only) and then azsess.
 */

export type GitConfigScope = 'global' | 'local';

export interface GitConfigEntry {
  key: string;
  values: string[];
}

/** Quotes a word for sh, which runs `!`-helpers; plain words stay as they are. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The helper as git runs it: `!<azsess> git-credential <args>`; git appends get, store or erase. */
export function gitHelperValue(azsess: string, args: readonly string[]): string {
  return `!${[azsess, 'git-credential', ...args].map(shellQuote).join(' ')}`;
}

function urlOf(host: string): string {
  return `${isLoopbackHost(host.replace(/:\d+$/, '')) ? 'http' : 'https'}://${host}`;
}

/**
 * The entries for the default hosts and any extra ones. dev.azure.com carries the organisation in
 * the path, so it gets useHttpPath: git then keeps what it learns per organisation.
 */
export function gitHelperEntries(helper: string, extraHosts: readonly string[]): GitConfigEntry[] {
  const hosts = [...new Set([...defaultGitHosts, ...extraHosts])];
  const entries: GitConfigEntry[] = [];
  for (const host of hosts) {
    entries.push({ key: `credential.${urlOf(host)}.helper`, values: ['', helper] });
    if (host === 'dev.azure.com') entries.push({ key: `credential.${urlOf(host)}.useHttpPath`, values: ['true'] });
  }
  return entries;
}

/** `git config` arguments that replace each entry's values (an unset of a missing key exits 5). */
export function gitConfigCommands(scope: GitConfigScope, entries: readonly GitConfigEntry[]): string[][] {
  const commands: string[][] = [];
  for (const { key, values } of entries) {
    commands.push(['config', `--${scope}`, '--unset-all', key]);
    for (const value of values) commands.push(['config', `--${scope}`, '--add', key, value]);
  }
  return commands;
}

/** The lines as they appear in a git config file, for the summary a person reads. */
export function describeGitEntries(entries: readonly GitConfigEntry[]): string {
  return entries.flatMap(({ key, values }) => values.map((v) => `${key}=${v === '' ? '""' : v}`)).join('\n');
}
