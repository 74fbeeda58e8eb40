import type { AzGlobalArgs } from './az-args.js';
import { AzUsageError } from './az-args.js';

/**
 * What the Azure CLI prints for a command's result, in its output formats (knack's
 * `knack/output.py`): `--query` first, then the format. Pure apart from loading the JMESPath
 * library, which is loaded only for a `--query`.
 */

export type AzValue = string | number | boolean | null | AzValue[] | { [key: string]: AzValue };

/** Objects with their keys sorted, as az's json output (`json.dumps(..., sort_keys=True)`). */
function sortedKeys(value: AzValue): AzValue {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: AzValue } = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys(value[key]!);
  return out;
}

export function formatJson(value: AzValue): string {
  return `${JSON.stringify(sortedKeys(value), null, 2)}\n`;
}

/** A cell of az's tsv: Python's str() of a scalar, the length of a list, nothing for an object. */
function tsvCell(value: AzValue): string {
  if (Array.isArray(value)) return String(value.length);
  if (value === null) return 'None';
  if (typeof value === 'object') return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/**
 * One row per element of a list (else one row): an object's values in its key order,
 * tab-separated; a row that is a boolean alone in lower case, as knack's `_dump_row` writes it.
 * The keys are in order already (renderAzResult): sorted, except an object a query made, whose
 * keys stay in the query's order (az queries with `OrderedDict`).
 */
export function formatTsv(value: AzValue): string {
  const rows = Array.isArray(value) ? value : [value];
  return rows
    .map((row) => {
      if (Array.isArray(row)) return `${row.map(tsvCell).join('\t')}\n`;
      if (row !== null && typeof row === 'object') return `${Object.values(row).map(tsvCell).join('\t')}\n`;
      if (typeof row === 'boolean') return `${row}\n`;
      return `${tsvCell(row)}\n`;
    })
    .join('');
}

/** --query's expression applied to the result; az refuses an expression it cannot read (exit 2). */
async function queried(value: AzValue, query: string): Promise<AzValue> {
  // The reference implementation of the specification the Azure CLI's Python jmespath follows, so
  // a query gives what az gives; loaded only for --query (its own bundle layer).
  const { default: jmespath } = await import('jmespath');
  const search = (data: unknown, expression: string): unknown => jmespath.search(data, expression);
  try {
    return (search(value, query) ?? null) as AzValue;
  } catch (err) {
    throw new AzUsageError(`argument --query: invalid jmespath_type value: '${query}'`, { cause: err });
  }
}

/** The text for stdout: the result after --query, in the --output format. */
export async function renderAzResult(value: AzValue, global: Pick<AzGlobalArgs, 'output' | 'query'>): Promise<string> {
  // json sorts every object as it writes; tsv writes keys as they come, so they are sorted before
  // the query: what it passes through keeps az's order, and what it makes keeps its own.
  const input = global.output === 'tsv' ? sortedKeys(value) : value;
  const result = global.query === undefined ? input : await queried(input, global.query);
  // az prints nothing for a result of None (knack prints only a result that is not None).
  if (result === null) return '';
  switch (global.output) {
    case 'none':
      return '';
    case 'tsv':
      return formatTsv(result);
    default:
      // jsonc is json in colour on a terminal; azsess writes it plain (tools read it, people rarely).
      return formatJson(result);
  }
}
