import { after, before, describe, test } from 'node:test';
import { startAzurePipelinesOidcFake, startGitHubOidcFake, startTestIdp, type CiOidcFake, type TestIdp } from '../idp/index.js';
import { matrixCells, type MatrixCell } from '../support/fault-matrix.js';
import { runCell, type CellTarget } from '../support/fault-matrix-run.js';
import { runCli } from '../support/run-cli.js';

/**
 * The fault matrix for the CI systems' OIDC endpoints that federated credentials take their token
 * from (test/support/fault-matrix.ts): each cell has a CI fake of its own, which the one test IdP
 * trusts; the faults are at the CI endpoint, Entra answers as usual.
 */
let idp: TestIdp;

before(async () => {
  // Every cell repeats the same token request: a loop by Entra's count, on purpose.
  idp = await startTestIdp({ loopDetection: false });
});
after(() => idp.close());

async function ciTarget(start: () => Promise<CiOidcFake>): Promise<CellTarget> {
  const fake = await start();
  idp.addFederatedCredential(fake.federatedCredential());
  return {
    faults: fake.faults,
    requests: fake.requests,
    endpoint: 'token',
    secrets: () => [...fake.issued.values(), ...idp.issued.values()],
    close: () => fake.close(),
    run: (o) =>
      runCli(['token', '--protocol', 'federated', '--resource', 'https://vault.azure.net', '--timeout', String(o.timeoutSeconds), ...(o.verbose ? ['--verbose'] : [])], {
        userHome: o.userHome,
        env: { AZURE_AUTHORITY_HOST: idp.url, AZURE_TENANT_ID: idp.tenantId, AZURE_CLIENT_ID: idp.confidentialClientId, ...fake.env },
      }),
  };
}

const starts: Record<string, (cell: MatrixCell) => Promise<CellTarget>> = {
  github: () => ciTarget(() => startGitHubOidcFake()),
  'azure-pipelines': () => ciTarget(() => startAzurePipelinesOidcFake()),
};

describe('fault matrix: federated token sources', { concurrency: 8 }, () => {
  for (const cell of matrixCells(Object.keys(starts))) {
    test(`${cell.row.label} × ${cell.fault.label}`, () => runCell(cell, starts[cell.row.id]!));
  }
});
