import { createHmac } from 'node:crypto';
import { childrenOf, octets, readElement, sequence, tags, type DerElement } from '../../src/oauth/der.js';
import { pkcs12Kdf } from '../../src/oauth/pkcs12.js';

/**
 * PKCS#12 files of shapes `openssl pkcs12 -export` cannot make (two keys), and edits of real ones
 * with their MAC made anew, for the parser's tests. DER is written by hand: it is a few lines.
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const der = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};

export function derOid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      groups.unshift(v & 0x7f);
      if (v < 128) break;
    }
    bytes.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return der(tags.oid, Buffer.from(bytes));
}

const data = '1.2.840.113549.1.7.1';

/** An unencrypted file with no MAC (like `-keypbe NONE -certpbe NONE -nomac`) of these PKCS#8 keys and DER certificates. */
export function plainPkcs12(keys: Buffer[], certificates: Buffer[]): Buffer {
  const keyBags = keys.map((key) => der(tags.sequence, derOid('1.2.840.113549.1.12.10.1.1'), der(tags.explicit0, key)));
  const certBags = certificates.map((certificate) =>
    der(tags.sequence, derOid('1.2.840.113549.1.12.10.1.3'), der(tags.explicit0, der(tags.sequence, derOid('1.2.840.113549.1.9.22.1'), der(tags.explicit0, der(tags.octetString, certificate))))),
  );
  const safeContents = der(tags.sequence, ...keyBags, ...certBags);
  const authSafe = der(tags.sequence, der(tags.sequence, derOid(data), der(tags.explicit0, der(tags.octetString, safeContents))));
  return der(tags.sequence, der(tags.integer, Buffer.from([3])), der(tags.sequence, derOid(data), der(tags.explicit0, der(tags.octetString, authSafe))));
}

/** The authenticated safe's bytes and the MAC's parts, as views into `file` (writing them edits it). */
export function partsOf(file: Buffer): { authSafe: Buffer; mac: Buffer; salt: Buffer; iterations: number; digest: string } {
  const [, authSafe, macData] = sequence(readElement(file, 'file'), 'file');
  const [, content] = sequence(authSafe, 'authSafe');
  const bytes = octets(sequence(content, 'content', tags.explicit0)[0], 'authSafe');
  const [digestInfo, salt, count] = sequence(macData, 'mac');
  const [algorithm, mac] = sequence(digestInfo, 'digest');
  const digestOid = sequence(algorithm, 'alg')[0]!.body.toString('hex');
  const digest = digestOid === '2b0e03021a' ? 'sha1' : 'sha256';
  return { authSafe: bytes, mac: octets(mac, 'mac'), salt: octets(salt, 'salt'), iterations: count ? count.body.readUIntBE(0, count.body.length) : 1, digest };
}

/** Writes a MAC that verifies with `password` over the (edited) authenticated safe of `file`. */
export function remac(file: Buffer, password: string): void {
  const { authSafe, mac, salt, iterations, digest } = partsOf(file);
  const bmp = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), 2 * i);
  const key = pkcs12Kdf(digest, bmp, salt, 3, iterations, mac.length);
  createHmac(digest, key).update(authSafe).digest().copy(mac);
}

/** Every OBJECT IDENTIFIER in the clear part of the authenticated safe, as views into the file. */
export function oidsIn(file: Buffer): DerElement[] {
  const found: DerElement[] = [];
  const walk = (element: DerElement, depth: number) => {
    if (element.tag === tags.oid) found.push(element);
    if ((element.tag & 0x20) !== 0) {
      for (const child of childrenOf(element, 'walk')) walk(child, depth + 1);
    } else if (element.tag === tags.octetString && element.body[0] === tags.sequence) {
      // An OCTET STRING that holds DER (the safe contents): walk into it when it parses.
      try {
        walk(readElement(element.body, 'inner'), depth + 1);
      } catch {
        // Not DER (a salt, a certificate's bytes that happen to start so): left alone.
      }
    }
  };
  walk(readElement(partsOf(file).authSafe, 'authSafe'), 0);
  return found;
}
