/**
 * The JMESPath library behind a module of its own, loaded only for `az ... --query` (its layer of
 * the bundle, scripts/fast-paths.json). `jmespath` is the reference implementation of the same
 * specification the Azure CLI's Python `jmespath` follows, so a query gives what az gives.
 */
import jmespath from 'jmespath';

export const search = (data: unknown, expression: string): unknown => jmespath.search(data, expression);
