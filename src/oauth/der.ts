/**
 * A small reader of DER (and the BER that PKCS#12 files made on Windows may use: indefinite
 * lengths, constructed strings), for src/oauth/pkcs12.ts. It only reads: every malformed input
 * is a DerError, never a read past the end, so a truncated or corrupt file fails cleanly.
 */

export class DerError extends Error {}

/** One element: its tag byte (class, constructed bit, number < 31) and its content bytes. */
export interface DerElement {
  tag: number;
  /** The content: for a constructed element, its children's encodings. */
  body: Buffer;
  /** The whole encoding, tag and length included (a certificate's DER, a key's PKCS#8). */
  whole: Buffer;
}

export const tags = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  set: 0x31,
  /** [0] EXPLICIT (constructed, context-specific). */
  explicit0: 0xa0,
  /** [0] IMPLICIT OCTET STRING, primitive. */
  implicit0: 0x80,
} as const;

// Nesting in a PKCS#12 file is about a dozen levels; far deeper input is hostile.
const maxDepth = 64;

function endOfContents(buf: Buffer, start: number, depth: number): number {
  // Indefinite length: children until the end-of-contents octets 00 00.
  let at = start;
  for (;;) {
    if (at + 2 > buf.length) throw new DerError('an indefinite length has no end');
    if (buf[at] === 0 && buf[at + 1] === 0) return at;
    at = readAt(buf, at, depth + 1).next;
  }
}

function readAt(buf: Buffer, at: number, depth: number): { element: DerElement; next: number } {
  if (depth > maxDepth) throw new DerError('nested too deeply');
  if (at + 2 > buf.length) throw new DerError('truncated');
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('a high tag number');
  const lengthByte = buf[at + 1]!;
  let start = at + 2;
  if (lengthByte === 0x80) {
    if ((tag & 0x20) === 0) throw new DerError('an indefinite length on a primitive element');
    const end = endOfContents(buf, start, depth);
    return { element: { tag, body: buf.subarray(start, end), whole: buf.subarray(at, end + 2) }, next: end + 2 };
  }
  let length = lengthByte;
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 4 || start + count > buf.length) throw new DerError('a bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[start + i]!;
    start += count;
  }
  if (start + length > buf.length) throw new DerError('truncated');
  return { element: { tag, body: buf.subarray(start, start + length), whole: buf.subarray(at, start + length) }, next: start + length };
}

/** The one element `buf` holds (nothing may follow it). */
export function readElement(buf: Buffer, what: string): DerElement {
  let read: { element: DerElement; next: number };
  try {
    read = readAt(buf, 0, 0);
  } catch (err) {
    throw new DerError(`${what}: ${(err as Error).message}`);
  }
  if (read.next !== buf.length) throw new DerError(`${what}: bytes after its end`);
  return read.element;
}

/** The children of a constructed element. */
export function childrenOf(element: DerElement, what: string): DerElement[] {
  if ((element.tag & 0x20) === 0) throw new DerError(`${what}: not a constructed element`);
  const children: DerElement[] = [];
  try {
    for (let at = 0; at < element.body.length; ) {
      const read = readAt(element.body, at, 1);
      children.push(read.element);
      at = read.next;
    }
  } catch (err) {
    throw new DerError(`${what}: ${(err as Error).message}`);
  }
  return children;
}

/** An element of the given tag, or a DerError naming what was expected. */
export function expect(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (!element || element.tag !== tag) throw new DerError(`${what}: missing or of another type`);
  return element;
}

/** The children of a SEQUENCE (or SET), checking its tag. */
export function sequence(element: DerElement | undefined, what: string, tag: number = tags.sequence): DerElement[] {
  return childrenOf(expect(element, tag, what), what);
}

/** An OCTET STRING's bytes, joining the pieces of a constructed (BER) one; `tag` for an IMPLICIT one. */
export function octets(element: DerElement | undefined, what: string, tag: number = tags.octetString): Buffer {
  if (element && element.tag === (tag | 0x20)) {
    return Buffer.concat(childrenOf(element, what).map((piece) => octets(piece, what, tags.octetString)));
  }
  return expect(element, tag, what).body;
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oid(element: DerElement | undefined, what: string): string {
  const body = expect(element, tags.oid, what).body;
  if (body.length === 0 || (body[body.length - 1]! & 0x80) !== 0) throw new DerError(`${what}: a malformed object identifier`);
  const arcs: number[] = [];
  let value = 0;
  for (const byte of body) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError(`${what}: a malformed object identifier`);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = Math.min(Math.floor(arcs[0]! / 40), 2);
  return [first, arcs[0]! - first * 40, ...arcs.slice(1)].join('.');
}

/** A small non-negative INTEGER (a version, an iteration count, a key length). */
export function smallInteger(element: DerElement | undefined, what: string): number {
  const body = expect(element, tags.integer, what).body;
  if (body.length === 0 || body.length > 6 || (body[0]! & 0x80) !== 0) throw new DerError(`${what}: not a small positive integer`);
  return body.readUIntBE(0, body.length);
}
