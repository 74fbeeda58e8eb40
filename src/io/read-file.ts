import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Reads a small file outside the azsess home that a protocol needs (Azure Arc's key, a federated
 * token file, a certificate). The size bound keeps a wrong path from reading a huge file.
 */
export function readSmallFile(path: string, maxBytes: number): string {
  return readSmallFileBytes(path, maxBytes).toString('utf8');
}

/** {@link readSmallFile}'s bytes, for a binary file (a PKCS#12 certificate). */
export function readSmallFileBytes(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw Object.assign(new Error(`${path} is larger than ${maxBytes} bytes`), { code: 'EFBIG' });
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` names a regular file (az reads `-p PATH` as a certificate when it does). */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
