import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomically } from './atomic-write.js';

/** A configuration file of another tool (docker's config.json) as found: its text and mode. */
export interface ConfigFile {
  /** The file itself, a symbolic link followed (dotfile managers link these files). */
  path: string;
  text?: string;
  mode?: number;
}

/** Reads another tool's configuration file; a missing one has no text. */
export function readConfigFile(path: string): ConfigFile {
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    return { path };
  }
  return { path: real, text: readFileSync(real, 'utf8'), mode: statSync(real).mode & 0o777 };
}

/**
 * Replaces another tool's configuration file atomically, keeping its mode (owner-only for a new
 * one: it may come to hold credentials). Missing parent directories are made owner-only.
 */
export function replaceConfigFile(file: ConfigFile, text: string): void {
  mkdirSync(dirname(file.path), { recursive: true, mode: 0o700 });
  writeFileAtomically(file.path, text, file.mode ?? 0o600);
}
