import { requestToken } from './token-endpoint.js';
import type { AppTarget, ProtocolDeps, TokenResult } from './types.js';

/**
 * The refresh token grant (entra-protocol.md 4.1): a token for the resource of `scope`, which may
 * differ from the one the refresh token was first issued for, if it was consented at sign-in.
 * Entra returns a new refresh token each time; when it does not, the old one stays valid.
 */
export async function redeemRefreshToken(
  target: AppTarget,
  refreshToken: string,
  scope: readonly string[],
  deps: ProtocolDeps,
  extra: { claims?: string } = {},
): Promise<TokenResult> {
  const form = {
    grant_type: 'refresh_token',
    client_id: target.clientId,
    refresh_token: refreshToken,
    scope: scope.join(' '),
    client_info: '1',
    ...(extra.claims ? { claims: extra.claims } : {}),
  };
  const result = await requestToken(target, form, deps, {
    what: 'Entra ID refused the refresh token',
    hint: 'sign in again with azsess login',
  });
  return { ...result, refreshToken: result.refreshToken ?? refreshToken };
}
