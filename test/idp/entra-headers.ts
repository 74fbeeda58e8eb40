import type { IncomingMessage, ServerResponse } from 'node:http';

import { newTraceIds, type TraceIds } from './entra-errors.js';

/**
 * Entra's diagnostic response headers (entra-protocol.md 9.3), set on every answer of the IdP,
 * faulted ones included: a throttled or failing Entra still names its request.
 */

/** What Entra's front ends call themselves (`x-ms-ests-server`). */
export const ESTS_SERVER = '2.1.19562.9 - 7E57 ProdSlices';

/** Sets `x-ms-request-id` (the trace id), the `client-request-id` echo, `x-ms-ests-server` and `x-ms-clitelem`. */
export function setEntraHeaders(req: IncomingMessage, res: ServerResponse): TraceIds {
  const sentId = req.headers['client-request-id'];
  const ids = newTraceIds(typeof sentId === 'string' ? sentId : undefined);
  res.setHeader('x-ms-request-id', ids.traceId);
  if (typeof sentId === 'string') res.setHeader('client-request-id', sentId);
  res.setHeader('x-ms-ests-server', ESTS_SERVER);
  res.setHeader('x-ms-clitelem', '1,0,0,,');
  res.setHeader('cache-control', 'no-store, no-cache');
  return ids;
}
