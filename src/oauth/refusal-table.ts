/**
 * Entra's refusals of a refresh and what azsess does with each (entra-protocol.md 4.6): the one
 * source of docs/exit-codes.md's table (test/unit/oauth/refusal-table.test.ts renders these rows
 * and finds them there), and of the code sets token-response.ts decides with.
 */

/**
 * `dead`: the refresh token is finished, drop it (only it); `interaction`: a new sign-in fixes it,
 * the refresh token is kept; `blocked` (Conditional Access) and `unknown-resource`: a new sign-in of
 * the same kind cannot fix it (exit 4).
 */
export type RefusalRowKind = 'dead' | 'interaction' | 'blocked' | 'unknown-resource';

export interface RefusalRow {
  codes: readonly number[];
  /** Said after the codes in the table's first cell (an error name that behaves alike). */
  alsoMatches?: string;
  meaning: string;
  kind: RefusalRowKind;
  whatToDo: string;
}

const login = 'run the `azsess login ...` command the message names';

export const refusalRows: readonly RefusalRow[] = [
  { codes: [70008, 700082, 700084], meaning: 'refresh token expired', kind: 'dead', whatToDo: login },
  { codes: [50173, 70043], meaning: 'grant revoked, sign-in frequency', kind: 'dead', whatToDo: 'as above' },
  {
    codes: [54005, 9002313],
    alsoMatches: '`invalid_grant` with no code',
    meaning: 'token already redeemed, malformed, refused without a reason',
    kind: 'dead',
    whatToDo: 'as above',
  },
  {
    codes: [50076, 50078, 50079],
    meaning: 'MFA required, expired, enrolment required (for this resource)',
    kind: 'interaction',
    whatToDo: 'as above: the command carries `--account` and `--claims` when they apply',
  },
  { codes: [65001], meaning: 'no consent for this resource', kind: 'interaction', whatToDo: 'as above (consent at sign-in)' },
  {
    codes: [50058, 50158, 50097, 50020],
    meaning: 'no session, external or device challenge, not a member of that tenant (whatever the `error` name, `invalid_request` too)',
    kind: 'interaction',
    whatToDo: 'as above',
  },
  {
    codes: [53003, 53000, 53001, 53002, 530032],
    meaning: 'blocked by Conditional Access',
    kind: 'blocked',
    whatToDo: 'sign in with `--protocol auth-code` in a browser on a compliant or managed device, or ask your administrator',
  },
  {
    codes: [500011],
    meaning: 'resource not found in the tenant',
    kind: 'unknown-resource',
    whatToDo: 'check the resource named in the message (`--scope`, `--resource`) and `--tenant`',
  },
];

function codesOf(...kinds: RefusalRowKind[]): Set<number> {
  return new Set(refusalRows.filter((r) => kinds.includes(r.kind)).flatMap((r) => r.codes));
}

/** Codes a new sign-in fixes: exit 3 without a terminal, a sign-in with one. */
export const signInFixesCodes = codesOf('dead', 'interaction');
/** Only these say the refresh token itself is finished; the others concern one resource. */
export const deadTokenCodes = codesOf('dead');
export const blockedCodes = codesOf('blocked');
export const unknownResourceCodes = codesOf('unknown-resource');

/** Exit code of a row when nobody can sign in. */
export function exitWithoutTerminal(row: RefusalRow): 3 | 4 {
  return row.kind === 'blocked' || row.kind === 'unknown-resource' ? 4 : 3;
}

/** The rows as docs/exit-codes.md shows them. */
export function refusalTableMarkdown(): string {
  const lines = ['| AADSTS | Meaning | Refresh token | Exit (no terminal) | What to do |', '| --- | --- | --- | ---: | --- |'];
  for (const row of refusalRows) {
    const codes = [row.codes.join(', '), row.alsoMatches].filter(Boolean).join(', ');
    lines.push(`| ${codes} | ${row.meaning} | ${row.kind === 'dead' ? 'dropped' : 'kept'} | ${exitWithoutTerminal(row)} | ${row.whatToDo} |`);
  }
  return lines.join('\n');
}
