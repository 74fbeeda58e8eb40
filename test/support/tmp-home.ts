import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TmpHome {
  /** A scratch directory standing in for the user's home ($HOME). */
  userHome: string;
  /** The azsess home inside it (not created: azsess must create it). */
  home: string;
  cleanup(): void;
}

/** A fresh user home for one test; azsess's home is `<it>/.azsessions`. */
export function makeTmpHome(): TmpHome {
  const userHome = mkdtempSync(join(tmpdir(), 'azsess-test-'));
  return {
    userHome,
    home: join(userHome, '.azsessions'),
    cleanup: () => rmSync(userHome, { recursive: true, force: true }),
  };
}
