import { pathToFileURL } from 'node:url';
import { endpointRows, faultCases, type EndpointRow, type FaultCase, type Outcome } from './fault-matrix.js';

/**
 * The table of docs/reliability.md, made from the data the fault-matrix tests run
 * (`node dist/test/support/fault-matrix-doc.js` prints it); a unit test keeps the doc equal to it.
 */

function cellText(row: EndpointRow, outcome: Outcome): string {
  if (outcome.kind === 'recovered') return outcome.requests === 1 ? 'recovers' : `recovers (${outcome.requests} requests)`;
  return `exit ${row.failureExit}${outcome.requests === 'one' ? ', 1 request' : ', retried'}`;
}

function says(fault: FaultCase): string {
  return fault.outcome.kind === 'recovered' ? (fault.does ?? '') : `"${fault.outcome.gist}"`;
}

export function faultMatrixTable(): string {
  const header = ['Fault', ...endpointRows.map((r) => r.short), 'What azsess does or says'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const fault of faultCases) {
    const cells = endpointRows.map((row) => cellText(row, row.exceptions?.[fault.id] ?? fault.outcome));
    lines.push(`| ${fault.label} | ${cells.join(' | ')} | ${says(fault)} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(faultMatrixTable());
