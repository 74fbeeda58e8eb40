import { createDecipheriv, createHash, createHmac, hash, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { childrenOf, DerError, octets, oid, readElement, sequence, smallInteger, tags, type DerElement } from './der.js';
import { rc2CbcDecrypt } from './rc2.js';

/**
 * A reader of PKCS#12 files (RFC 7292) on node:crypto: the forms `openssl pkcs12 -export` writes
 * (OpenSSL 3: PBES2 with PBKDF2 and AES-256-CBC, a SHA-256 MAC; `-legacy`: 3DES key bag, RC2-40
 * certificate bag, SHA-1 MAC) and those of Windows, Java and Key Vault. It returns the keys and
 * certificates in DER; src/oauth/pkcs12-credential.ts makes a credential of them.
 */

/** What a PKCS#12 file holds, decrypted. */
export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo of each key, with its localKeyId attribute if it has one. */
  keys: { der: Buffer; localKeyId?: Buffer }[];
  /** X.509 certificates in file order, with their localKeyId attribute if they have one. */
  certificates: { der: Buffer; localKeyId?: Buffer }[];
}

/**
 * Why a file could not be read: `password` (a MAC that fails or data that does not decrypt with
 * the password given; `given` says whether one was), `unsupported` (an algorithm or form azsess
 * does not read, named in `detail`) or `malformed` (not PKCS#12, or damaged).
 */
export class Pkcs12Error extends Error {
  constructor(
    readonly reason: 'password' | 'unsupported' | 'malformed',
    readonly detail: string,
    readonly given = false,
  ) {
    super(detail);
  }
}

const oids = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

/** Digests by OID: of a MAC, and of PBKDF2's HMAC (the hmacWith* OIDs). */
const digests: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const hmacDigests: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
/** PBES2 ciphers: name for node:crypto and key length. */
const pbes2Ciphers: Record<string, { cipher: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24 },
};
/** The PKCS#12 PBEs (RFC 7292 appendix C), all on SHA-1; RC4 ones are left out (nobody writes them). */
const pkcs12Pbes: Record<string, { cipher: string; keyLength: number; name: string }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24, name: 'pbeWithSHAAnd3-KeyTripleDES-CBC' },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', keyLength: 16, name: 'pbeWithSHAAnd2-KeyTripleDES-CBC' },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyLength: 16, name: 'pbeWithSHAAnd128BitRC2-CBC' },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyLength: 5, name: 'pbeWithSHAAnd40BitRC2-CBC' },
};

// Far above what any tool writes (OpenSSL 2048, Windows 2000, Key Vault 2048 and up to 600000 for
// PBKDF2): a bound, so that a corrupt count cannot keep azsess busy for hours.
const maxIterations = 10_000_000;
const maxNesting = 8;

/** The password as PKCS#12 hashes it: BMPString, big-endian, with a final 00 00; none is empty. */
function bmpPassword(password: string | undefined): Buffer {
  if (password === undefined) return Buffer.alloc(0);
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), 2 * i);
  return out;
}

/** The key derivation of RFC 7292 appendix B.2: `id` 1 a key, 2 an IV, 3 a MAC key. */
export function pkcs12Kdf(digest: string, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const u = createHash(digest).digest().length;
  const v = digest === 'sha384' || digest === 'sha512' ? 128 : 64;
  const fill = (source: Buffer) => {
    if (source.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(source.length / v));
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!;
    return out;
  };
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([fill(salt), fill(password)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let a = createHash(digest).update(d).update(i).digest();
    // crypto.hash, one call per round: a fifth of the time of createHash over thousands of rounds.
    for (let n = 1; n < iterations; n++) a = hash(digest, a, 'buffer');
    blocks.push(a);
    // I_j = (I_j + B + 1) mod 2^(v*8), for each v-byte block I_j of I, with B = A repeated.
    const b = fill(a).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function decipher(cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer | undefined {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    // Bad padding: a wrong password (or corrupt data), told apart by the caller.
    return undefined;
  }
}

function iterationsOf(element: DerElement | undefined, what: string): number {
  const count = smallInteger(element, what);
  if (count < 1 || count > maxIterations) throw new Pkcs12Error('unsupported', `${what} of ${count}`);
  return count;
}

/** The password, and whether the MAC proved it right (then data that does not decrypt is damaged). */
interface Unlock {
  password: string | undefined;
  verified: boolean;
}

/**
 * Decrypts `data` encrypted with `algorithm` (an AlgorithmIdentifier) under the password; throws a
 * Pkcs12Error if it does not decrypt: `password` unless a MAC proved the password right.
 */
function decrypt(algorithm: DerElement | undefined, data: Buffer, unlock: Unlock, what: string): Buffer {
  const { password } = unlock;
  const [algorithmId, parameters] = sequence(algorithm, `the encryption algorithm of ${what}`);
  const name = oid(algorithmId, `the encryption algorithm of ${what}`);
  let plain: Buffer | undefined;
  if (name === oids.pbes2) {
    const [kdf, scheme] = sequence(parameters, 'the PBES2 parameters');
    const [kdfId, kdfParameters] = sequence(kdf, 'the PBES2 key derivation');
    const kdfName = oid(kdfId, 'the PBES2 key derivation');
    if (kdfName !== oids.pbkdf2) throw new Pkcs12Error('unsupported', `the key derivation ${kdfName}`);
    const [salt, count, ...rest] = sequence(kdfParameters, 'the PBKDF2 parameters');
    const prf = rest.find((e) => e.tag === tags.sequence);
    const prfName = prf ? oid(sequence(prf, 'the PBKDF2 PRF')[0], 'the PBKDF2 PRF') : '1.2.840.113549.2.7';
    const digest = hmacDigests[prfName];
    if (!digest) throw new Pkcs12Error('unsupported', `the PBKDF2 PRF ${prfName}`);
    const [schemeId, iv] = sequence(scheme, 'the PBES2 cipher');
    const schemeName = oid(schemeId, 'the PBES2 cipher');
    const cipher = pbes2Ciphers[schemeName];
    if (!cipher) throw new Pkcs12Error('unsupported', `the cipher ${schemeName}`);
    const key = pbkdf2Sync(Buffer.from(password ?? '', 'utf8'), octets(salt, 'the PBKDF2 salt'), iterationsOf(count, 'a PBKDF2 iteration count'), cipher.keyLength, digest);
    const ivBytes = octets(iv, 'the PBES2 IV');
    if (ivBytes.length !== (cipher.cipher.startsWith('aes') ? 16 : 8)) throw new Pkcs12Error('malformed', 'a PBES2 IV of the wrong length');
    plain = decipher(cipher.cipher, key, ivBytes, data);
  } else {
    const pbe = pkcs12Pbes[name];
    if (!pbe) throw new Pkcs12Error('unsupported', `the encryption algorithm ${name} of ${what}`);
    const [salt, count] = sequence(parameters, `the ${pbe.name} parameters`);
    const saltBytes = octets(salt, 'a PBE salt');
    const iterations = iterationsOf(count, 'a PBE iteration count');
    const secret = bmpPassword(password);
    const key = pkcs12Kdf('sha1', secret, saltBytes, 1, iterations, pbe.keyLength);
    const iv = pkcs12Kdf('sha1', secret, saltBytes, 2, iterations, 8);
    plain = pbe.cipher === 'rc2' ? rc2CbcDecrypt(key, pbe.keyLength * 8, iv, data) : decipher(pbe.cipher, key, iv, data);
  }
  if (!plain && unlock.verified) throw new Pkcs12Error('malformed', `${what} could not be decrypted although the MAC verifies: the file is damaged`);
  if (!plain) throw new Pkcs12Error('password', `${what} could not be decrypted`, password !== undefined);
  return plain;
}

/**
 * Checks the MAC (before anything else is read) and returns the password that verifies it:
 * with none given, an empty password is tried both ways (absent and as "", as OpenSSL does).
 */
function verifyMac(macData: DerElement, authSafe: Buffer, password: string | undefined): string | undefined {
  const [digestInfo, salt, count] = sequence(macData, 'the MAC');
  const [algorithm, expected] = sequence(digestInfo, 'the MAC digest');
  const [digestOid, parameters, ...extra] = sequence(algorithm, 'the MAC algorithm');
  // A digest takes no parameters: absent or NULL (RFC 5754), nothing else, so no byte outside the MAC goes unread.
  if (extra.length > 0 || (parameters && (parameters.tag !== tags.null || parameters.body.length > 0))) {
    throw new Pkcs12Error('malformed', 'the MAC algorithm has parameters a digest does not take');
  }
  const digestName = oid(digestOid, 'the MAC algorithm');
  const digest = digests[digestName];
  if (!digest) throw new Pkcs12Error('unsupported', `the MAC algorithm ${digestName}`);
  const expectedBytes = octets(expected, 'the MAC');
  const saltBytes = octets(salt, 'the MAC salt');
  const iterations = count ? iterationsOf(count, 'a MAC iteration count') : 1;
  const candidates = password === undefined || password === '' ? [undefined, ''] : [password];
  for (const candidate of candidates) {
    const key = pkcs12Kdf(digest, bmpPassword(candidate), saltBytes, 3, iterations, createHash(digest).digest().length);
    const mac = createHmac(digest, key).update(authSafe).digest();
    if (mac.length === expectedBytes.length && timingSafeEqual(mac, expectedBytes)) return candidate;
  }
  throw new Pkcs12Error('password', 'the MAC does not verify', password !== undefined);
}

function localKeyIdOf(attributes: DerElement | undefined): Buffer | undefined {
  if (!attributes || attributes.tag !== tags.set) return undefined;
  for (const attribute of childrenOf(attributes, 'the bag attributes')) {
    const [type, values] = sequence(attribute, 'a bag attribute');
    if (oid(type, 'a bag attribute') === oids.localKeyId) {
      const [value] = sequence(values, 'the localKeyId', tags.set);
      return octets(value, 'the localKeyId');
    }
  }
  return undefined;
}

function readSafeContents(der: Buffer, unlock: Unlock, into: Pkcs12Contents, depth: number): void {
  if (depth > maxNesting) throw new Pkcs12Error('malformed', 'safe contents nested too deeply');
  for (const bag of sequence(readElement(der, 'the safe contents'), 'the safe contents')) {
    const [bagId, value, attributes] = sequence(bag, 'a safe bag');
    const type = oid(bagId, 'a safe bag type');
    const [content] = sequence(value, 'a safe bag value', tags.explicit0);
    if (!content) throw new Pkcs12Error('malformed', 'a safe bag has no value');
    const localKeyId = localKeyIdOf(attributes);
    const withId = <T extends object>(entry: T) => (localKeyId ? { ...entry, localKeyId } : entry);
    if (type === oids.keyBag) {
      into.keys.push(withId({ der: Buffer.from(content.whole) }));
    } else if (type === oids.shroudedKeyBag) {
      const [algorithm, encrypted] = sequence(content, 'an encrypted private key');
      into.keys.push(withId({ der: decrypt(algorithm, octets(encrypted, 'an encrypted private key'), unlock, 'the private key') }));
    } else if (type === oids.certBag) {
      const [certType, certValue] = sequence(content, 'a certificate bag');
      // Only X.509 certificates; an SDSI certificate (never seen in practice) is skipped.
      if (oid(certType, 'a certificate type') !== oids.x509Certificate) continue;
      const [certificate] = sequence(certValue, 'a certificate', tags.explicit0);
      into.certificates.push(withId({ der: Buffer.from(octets(certificate, 'a certificate')) }));
    } else if (type === oids.safeContentsBag) {
      readSafeContents(content.whole, unlock, into, depth + 1);
    }
    // CRL and secret bags say nothing about the client certificate: skipped.
  }
}

/**
 * Reads a PKCS#12 file: the MAC first (a wrong password stops here, before any decryption),
 * then each safe contents, decrypting where needed. Every failure is a Pkcs12Error.
 */
export function readPkcs12(file: Buffer, password: string | undefined): Pkcs12Contents {
  try {
    const [version, authSafe, macData] = sequence(readElement(file, 'the file'), 'the file');
    if (smallInteger(version, 'the version') !== 3) throw new Pkcs12Error('unsupported', 'a PKCS#12 version other than 3');
    const [contentType, content] = sequence(authSafe, 'the authenticated safe');
    const type = oid(contentType, 'the authenticated safe type');
    // signedData (public-key integrity mode) is allowed by RFC 7292 but written by no tool in use.
    if (type !== oids.data) throw new Pkcs12Error('unsupported', `an authenticated safe of type ${type} (azsess reads password-protected files)`);
    const authSafeBytes = octets(sequence(content, 'the authenticated safe', tags.explicit0)[0], 'the authenticated safe');
    const unlock: Unlock = macData ? { password: verifyMac(macData, authSafeBytes, password), verified: true } : { password, verified: false };
    const contents: Pkcs12Contents = { keys: [], certificates: [] };
    for (const info of sequence(readElement(authSafeBytes, 'the authenticated safe'), 'the authenticated safe')) {
      const [infoType, infoContent] = sequence(info, 'a content info');
      const kind = oid(infoType, 'a content info type');
      const [inner] = sequence(infoContent, 'a content info', tags.explicit0);
      if (kind === oids.data) {
        readSafeContents(octets(inner, 'the safe contents'), unlock, contents, 0);
      } else if (kind === oids.encryptedData) {
        const [, encryptedContentInfo] = sequence(inner, 'the encrypted data');
        const [, algorithm, encrypted] = sequence(encryptedContentInfo, 'the encrypted content');
        const plain = decrypt(algorithm, octets(encrypted, 'the encrypted content', tags.implicit0), unlock, 'the certificates');
        readSafeContents(plain, unlock, contents, 0);
      } else {
        throw new Pkcs12Error('unsupported', `content of type ${kind} (for example public-key encryption)`);
      }
    }
    return contents;
  } catch (err) {
    if (err instanceof Pkcs12Error) throw err;
    if (err instanceof DerError) throw new Pkcs12Error('malformed', err.message);
    throw new Pkcs12Error('malformed', `unexpected content (${(err as Error).message})`);
  }
}
