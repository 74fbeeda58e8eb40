/** How azsess knows the `az` it writes (az/az-link-script.ts makes it). */

/** Marks a file azsess wrote: setup replaces only such a file, and the entry never runs one as the Azure CLI. */
export const azLinkMarker = 'azsess-az-link';

/** True for a file azsess wrote (its first lines carry the marker). */
export function isAzsessLink(head: string): boolean {
  return head.split('\n', 3).some((line) => line.startsWith(`// ${azLinkMarker}:`));
}
