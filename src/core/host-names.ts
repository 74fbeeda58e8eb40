/**
 * Host names, ports and URL schemes read in plain code. The credential helpers' cache hits check a host or two
 * on every run, and a process's first runs of a regular expression compile it twice (bytecode, then
 * native code after one run: 40 to 100 µs each, docs/performance.md). Each function says the
 * expression it reads text as, and a fuzz test (test/fuzz/parsers.fuzz.test.ts) holds it to it.
 */

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLowerAlnum = (c: number) => (c >= 0x61 && c <= 0x7a) || isDigit(c);
const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/** `/^[a-z0-9]+$/` (with `hyphens`, `/^[a-z0-9-]+$/`): a label's characters, or a name's. */
export function isLabelText(text: string, hyphens: boolean): boolean {
  if (text === '') return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isLowerAlnum(c) && !(hyphens && c === 0x2d)) return false;
  }
  return true;
}

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

/** `text[start, end)` is one DNS label: `[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?`. */
function isLabel(text: string, start: number, end: number): boolean {
  if (end - start < 1 || end - start > 63) return false;
  if (!isLowerAlnum(text.charCodeAt(start)) || !isLowerAlnum(text.charCodeAt(end - 1))) return false;
  for (let i = start + 1; i < end - 1; i++) {
    const c = text.charCodeAt(i);
    if (!isLowerAlnum(c) && c !== 0x2d) return false;
  }
  return true;
}

/** `/^(?:label\.)*label(?::\d{1,5})?$/`: host names in lower case, and a port. */
export function isHostAndPort(text: string): boolean {
  let end = text.length;
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    if (end - colon - 1 < 1 || end - colon - 1 > 5) return false;
    for (let i = colon + 1; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false;
    end = colon;
  }
  for (let start = 0; ; ) {
    const dot = text.indexOf('.', start);
    if (dot < 0 || dot >= end) return isLabel(text, start, end);
    if (!isLabel(text, start, dot)) return false;
    start = dot + 1;
  }
}

/** `text.replace(/:\d+$/, '')`: a host without its port. */
export function withoutPort(text: string): string {
  const colon = text.lastIndexOf(':');
  if (colon < 0 || colon === text.length - 1) return text;
  for (let i = colon + 1; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return text;
  return text.slice(0, colon);
}

/** `text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')`: what follows a URL scheme. */
export function withoutScheme(text: string): string {
  const end = schemeEnd(text);
  return end < 0 ? text : text.slice(end);
}

/** `text.replace(/^https?:\/\//, '')`. */
export function withoutHttpScheme(text: string): string {
  return text.startsWith('https://') ? text.slice(8) : text.startsWith('http://') ? text.slice(7) : text;
}
