import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestIdp, type TestIdp } from '../idp/index.js';
import type { Session } from '../../src/domain/session.js';
import { ACR_AUDIENCE, startAcrFake } from '../support/acr-fake.js';
import { entraVerifier, type EntraVerifier } from '../support/entra-verifier.js';
import { matrixCells, type MatrixCell } from '../support/fault-matrix.js';
import { runCell, type CellTarget } from '../support/fault-matrix-run.js';
import { readStoredSessions } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';
import { requires } from '../support/requires.js';

const skip = requires('docker-registry', 'openssl');

/**
 * The fault matrix for ACR's token exchange (test/support/fault-matrix.ts), met by
 * docker-credential-azsess get: each cell has an ACR front of its own (without the registry
 * behind it, which `get` never reaches), and a home that already holds a valid Entra token for
 * ACR, so that the exchange is the only request the cell makes.
 */
let idp: TestIdp;
let verifier: EntraVerifier;
let work: TmpHome;
let entraSession: Session;

const appEnv = () => ({
  AZURE_AUTHORITY_HOST: idp.url,
  AZURE_TENANT_ID: idp.tenantId,
  AZURE_CLIENT_ID: idp.confidentialClientId,
  AZURE_CLIENT_SECRET: idp.clientSecret,
  AZSESS_PROTOCOL: 'client-credentials',
});

before(async () => {
  if (skip) return;
  // Every cell repeats the same token request: a loop by Entra's count, on purpose.
  idp = await startTestIdp({ loopDetection: false });
  verifier = await entraVerifier(idp);
  work = makeTmpHome();
  const signIn = await runCli(['token', '--scope', `${ACR_AUDIENCE}/.default`], { userHome: work.userHome, env: appEnv() });
  assert.equal(signIn.code, 0, signIn.stderr);
  entraSession = readStoredSessions(work.home)[0]!;
});
after(async () => {
  if (skip) return;
  await idp.close();
  work.cleanup();
});

let cellNumber = 0;

async function acrTarget(): Promise<CellTarget> {
  const acr = await startAcrFake(verifier, join(work.userHome, `acr-${(cellNumber += 1)}`), { registry: false });
  return {
    faults: acr.faults,
    requests: acr.requests,
    endpoint: 'exchange',
    kept: [entraSession],
    secrets: () => [...idp.issued.values(), ...acr.issuedRefreshTokens],
    close: () => acr.close(),
    assertProduct: (r) => assert.equal(JSON.parse(r.stdout).Username, '00000000-0000-0000-0000-000000000000'),
    run: (o) =>
      runCli(['get'], {
        bin: 'docker-credential-azsess',
        userHome: o.userHome,
        input: acr.host,
        env: { ...appEnv(), AZSESS_ACR_HOSTS: acr.host, AZSESS_TIMEOUT: String(o.timeoutSeconds), ...(o.verbose ? { AZSESS_VERBOSE: '1' } : {}) },
      }),
  };
}

describe('fault matrix: ACR token exchange', { concurrency: 8, skip }, () => {
  for (const cell of matrixCells(['acr-exchange'])) {
    test(`${cell.row.label} × ${cell.fault.label}`, () => runCell(cell as MatrixCell, acrTarget));
  }
});
