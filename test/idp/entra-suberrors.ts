/**
 * Entra's `suberror` (entra-protocol.md 4.6, 9.1): the refinement it adds to an error a person can
 * act on. MSAL's meanings: `bad_token` the refresh token is invalid or expired; `consent_required`;
 * `basic_action` fixable during an interactive sign-in (MFA); `additional_action` fixable outside
 * it (register MFA); `message_only` not fixable now, a sign-in only shows why (Conditional Access).
 */
const SUBERRORS: Readonly<Record<number, string>> = {
  70008: 'bad_token',
  700082: 'bad_token',
  700084: 'bad_token',
  70043: 'bad_token',
  50173: 'bad_token',
  65001: 'consent_required',
  50076: 'basic_action',
  50078: 'basic_action',
  50079: 'additional_action',
  53003: 'message_only',
};

/** The `suberror` Entra sends with this AADSTS code, if any. */
export function suberrorFor(code: number | undefined): string | undefined {
  return code === undefined ? undefined : SUBERRORS[code];
}

/**
 * The claims challenge Entra attaches to an MFA refusal that a Conditional Access policy caused:
 * a client replays it (`claims=`) on its interactive sign-in.
 */
export const MFA_CLAIMS_CHALLENGE = JSON.stringify({ access_token: { capolids: { essential: true, values: ['7e57ca00-0000-4000-8000-0000000000c1'] } } });

/** The `claims` Entra sends with this AADSTS code by default, if any. */
export function claimsFor(code: number | undefined): string | undefined {
  return code === 50076 ? MFA_CLAIMS_CHALLENGE : undefined;
}
