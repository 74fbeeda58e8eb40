/**
 * A URL scheme read in plain code, for scopes.ts's `hasSchemeAndHost`, which a cache hit runs on
 * the token's audience (docs/performance.md). The helpers read host names with regular
 * expressions: a loop there bought nothing measurable.
 */

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/**
 * Where what follows `scheme://` begins, for a scheme as `/^[a-z][a-z0-9+.-]*:\/\//i` reads it;
 * -1 when the text does not start so.
 */
export function schemeEnd(text: string): number {
  const colon = text.indexOf(':');
  if (colon < 1 || !isLetter(text.charCodeAt(0)) || !text.startsWith('//', colon + 1)) return -1;
  for (let i = 1; i < colon; i++) {
    const c = text.charCodeAt(i);
    if (!isLetter(c) && !isDigit(c) && c !== 0x2b && c !== 0x2e && c !== 0x2d) return -1;
  }
  return colon + 3;
}
