/**
 * RC2 in CBC mode, decryption only (RFC 2268). `openssl pkcs12 -export -legacy` and many Windows
 * exports encrypt the certificates with pbeWithSHA1And40BitRC2-CBC, and OpenSSL 3 (so Node 20)
 * has RC2 only in its legacy provider, which Node does not load: this is the one cipher of a
 * PKCS#12 file that node:crypto cannot open.
 */

// PITABLE of RFC 2268 section 2: a permutation of 0..255 from the digits of pi.
const piTable = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
    'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
    '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
    'c5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

/** The 64 16-bit subkeys of `key` with `effectiveBits` effective key bits (RFC 2268 section 2). */
export function rc2ExpandKey(key: Buffer, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128 || effectiveBits < 1 || effectiveBits > 1024) throw new RangeError('RC2 key out of range');
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  for (let i = t; i < 128; i++) l[i] = piTable[(l[i - 1]! + l[i - t]!) & 0xff]!;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff % 2 ** (8 + effectiveBits - 8 * t8);
  l[128 - t8] = piTable[l[128 - t8]! & tm]!;
  for (let i = 127 - t8; i >= 0; i--) l[i] = piTable[l[i + 1]! ^ l[i + t8]!]!;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = l[2 * i]! | (l[2 * i + 1]! << 8);
  return k;
}

const shifts = [1, 2, 3, 5];

/** Decrypts one 8-byte block in place. */
function decryptBlock(k: Uint16Array, block: Uint16Array): void {
  const r = block;
  let j = 63;
  const mix = () => {
    for (let i = 3; i >= 0; i--) {
      const s = shifts[i]!;
      r[i] = ((r[i]! >>> s) | (r[i]! << (16 - s))) & 0xffff;
      r[i] = r[i]! - k[j--]! - (r[(i + 3) & 3]! & r[(i + 2) & 3]!) - (~r[(i + 3) & 3]! & r[(i + 1) & 3]!);
    }
  };
  const mash = () => {
    for (let i = 3; i >= 0; i--) r[i] = r[i]! - k[r[(i + 3) & 3]! & 63]!;
  };
  for (const [rounds, thenMash] of [[5, true], [6, true], [5, false]] as const) {
    for (let n = 0; n < rounds; n++) mix();
    if (thenMash) mash();
  }
}

/**
 * RC2-CBC decryption of `data` with PKCS#7 padding removed; undefined when the padding is wrong
 * (a wrong key, or not RC2 data), as node:crypto's decipher fails on bad padding.
 */
export function rc2CbcDecrypt(key: Buffer, effectiveBits: number, iv: Buffer, data: Buffer): Buffer | undefined {
  if (iv.length !== 8 || data.length === 0 || data.length % 8 !== 0) return undefined;
  const k = rc2ExpandKey(key, effectiveBits);
  const out = Buffer.alloc(data.length);
  const block = new Uint16Array(4);
  let previous = iv;
  for (let at = 0; at < data.length; at += 8) {
    for (let i = 0; i < 4; i++) block[i] = data.readUInt16LE(at + 2 * i);
    decryptBlock(k, block);
    for (let i = 0; i < 4; i++) out.writeUInt16LE(block[i]! ^ previous.readUInt16LE(2 * i), at + 2 * i);
    previous = data.subarray(at, at + 8);
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8 || !out.subarray(out.length - pad).every((byte) => byte === pad)) return undefined;
  return out.subarray(0, out.length - pad);
}
