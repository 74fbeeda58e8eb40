import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this compiled file (dist/test/support/paths.js). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const azsessBin = join(repoRoot, 'bin', 'azsess.js');
export const dockerHelperBin = join(repoRoot, 'bin', 'docker-credential-azsess.js');
export const fixturesDir = join(repoRoot, 'test', 'fixtures', 'azsessions-jl');
/** Compiled sources, for tests that drive a module directly. */
export const distSrc = join(repoRoot, 'dist', 'src');
export const distTest = join(repoRoot, 'dist', 'test');
