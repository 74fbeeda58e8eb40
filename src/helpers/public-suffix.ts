import { UsageError } from '../domain/errors.js';

/**
 * Refuses an `--allow-host` wildcard over a public suffix (`*.com`, `*.co.uk`, `*.github.io`):
 * it would send an Azure DevOps token to anyone's server under it. Which names are public
 * suffixes is the Public Suffix List's to say (ICANN and private sections, through tldts, which
 * carries the list and needs no network), not a list of our own.
 */
export async function refusePublicSuffixWildcards(patterns: readonly string[]): Promise<void> {
  const wildcards = patterns.filter((p) => p.startsWith('*.'));
  if (wildcards.length === 0) return;
  // The Public Suffix List (140 KB), read only when a wildcard is checked (tldts stays out of the bundles).
  const { parse } = await import('tldts');
  for (const pattern of wildcards) {
    const suffix = pattern.slice(2).replace(/:\d+$/, '').toLowerCase();
    // No registrable domain in the name: all of it is a public suffix (an unknown TLD counts as one).
    if (parse(suffix, { allowPrivateDomains: true }).domain === null) {
      throw new UsageError(
        `--allow-host '${pattern}' covers every host under the public suffix ${suffix}, so a token could reach anyone's server; name a domain of your own, such as *.contoso.${suffix}.`,
      );
    }
  }
}
