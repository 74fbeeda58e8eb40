import type { Sender } from '../http/retry.js';
import { entraEndpoints } from '../oauth/endpoints.js';
import { parseTokenResponse } from '../oauth/token-response.js';
import type { AppTarget, ProtocolDeps, TokenResult } from './types.js';

export interface TokenCallContext {
  /** Start of the error sentence: "Entra ID refused the refresh token". */
  what: string;
  /** What to do about an error Entra gives no better hint for. */
  hint: string;
  /** Another sender than the command's (device code polls live as long as the code). */
  http?: Sender;
}

/** One POST to the tenant's v2 token endpoint and its answer as a token or a typed error. */
export async function requestToken(
  target: AppTarget,
  form: Record<string, string>,
  deps: ProtocolDeps,
  context: TokenCallContext,
): Promise<TokenResult> {
  const url = entraEndpoints(target.authority, target.tenant).token;
  const requestStart = deps.now();
  const res = await (context.http ?? deps.http).send({ method: 'POST', url, purpose: 'the token endpoint', entra: true, form });
  return parseTokenResponse(res, {
    purpose: 'the token endpoint',
    host: new URL(url).host,
    what: context.what,
    hint: context.hint,
    requestStart,
  });
}
