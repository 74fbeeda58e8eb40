/**
 * Loaded into an azsess process (NODE_OPTIONS=--import=<this file>, see `fsFaultEnv`) to make the
 * file system fail under one directory as a read-only or full disk does. chmod cannot simulate
 * that for root (CI runs as root), and mounting a small or read-only file system needs privileges
 * a CI machine may not have; the errors here are the ones the system calls give.
 *
 * AZSESS_TEST_FS_FAULT=<code>:<kind>:<directory>. Kinds: `change` (make, rename, remove, touch or
 * open a file for writing: a read-only file system), `write` (write bytes: a full disk, where
 * empty files and directories still fit), `read` (read a file).
 */
import fs from 'node:fs';
import { resolve } from 'node:path';

const [code, kind, ...dirParts] = (process.env.AZSESS_TEST_FS_FAULT ?? '').split(':');
const dir = dirParts.join(':');

const changes = ['mkdirSync', 'renameSync', 'unlinkSync', 'rmdirSync', 'rmSync', 'utimesSync', 'writeFileSync', 'copyFileSync', 'symlinkSync', 'linkSync'];
const asyncChanges = ['mkdir', 'rename', 'unlink', 'rmdir', 'utimes'];
const reads = ['readFileSync'];

const under = (path: unknown) => typeof path === 'string' && dir !== '' && resolve(path).startsWith(dir);
const fault = (syscall: string, path: unknown) =>
  Object.assign(new Error(`${code}: simulated ${syscall} '${String(path)}'`), { code, syscall, path, errno: -1 });

type AnyFn = (...args: unknown[]) => unknown;
const mutable = fs as unknown as Record<string, AnyFn>;

function failSync(name: string, when: (args: unknown[]) => boolean = (args) => under(args[0])): void {
  const original = mutable[name]!;
  mutable[name] = function (this: unknown, ...args: unknown[]) {
    if (when(args)) throw fault(name.replace(/Sync$/, ''), args[0]);
    return original.apply(this, args);
  };
}

function failAsync(name: string): void {
  const original = mutable[name]!;
  mutable[name] = function (this: unknown, ...args: unknown[]) {
    const cb = args[args.length - 1];
    if (under(args[0]) && typeof cb === 'function') return void setImmediate(cb as AnyFn, fault(name, args[0]));
    return original.apply(this, args);
  };
}

const writing = (flags: unknown) => typeof flags === 'string' && /[wax+]/.test(flags);
const fdsUnder = new Set<number>();

if (kind === 'change') {
  // mkdir of a directory that exists says EEXIST first, even on a read-only file system.
  changes.forEach((name) => failSync(name, (args) => under(args[0]) && !(name === 'mkdirSync' && fs.existsSync(args[0] as string))));
  asyncChanges.forEach(failAsync);
  failSync('openSync', (args) => under(args[0]) && writing(args[1]));
} else if (kind === 'write') {
  const open = mutable.openSync!;
  mutable.openSync = function (this: unknown, ...args: unknown[]) {
    const fd = open.apply(this, args) as number;
    if (under(args[0]) && writing(args[1])) fdsUnder.add(fd);
    return fd;
  };
  failSync('writeSync', (args) => fdsUnder.has(args[0] as number));
  failSync('writeFileSync', (args) => under(args[0]) && String(args[1] ?? '').length > 0);
} else if (kind === 'read') {
  reads.forEach((name) => failSync(name));
}

/** The environment that loads this file into a process and makes `code` fail under `directory`. */
export function fsFaultEnv(code: string, faultKind: 'change' | 'write' | 'read', directory: string): Record<string, string> {
  return {
    NODE_OPTIONS: `--import=${new URL(import.meta.url).pathname}`,
    AZSESS_TEST_FS_FAULT: `${code}:${faultKind}:${resolve(directory)}`,
  };
}
