import { AuthenticationError, ServiceError, type EntraErrorDetails } from '../domain/errors.js';
import { rememberSecret } from '../domain/redact.js';
import type { HttpResponse } from '../http/types.js';
import { blockedCodes, deadTokenCodes, signInFixesCodes, unknownResourceCodes } from './refusal-table.js';

/** A token as azsess keeps it. */
export interface TokenResult {
  accessToken: string;
  expiresAt: Date;
  refreshToken?: string;
  idToken?: string;
}

/** Entra's error body (entra-protocol.md 9.1), tolerant of what other services send. */
export interface EntraErrorBody {
  error: string;
  description: string;
  codes: number[];
  traceId?: string;
  correlationId?: string;
  suberror?: string;
  claims?: string;
}

function contentType(res: HttpResponse): string {
  return (res.headers['content-type'] ?? 'no content type').split(';')[0]!.trim();
}

/** The JSON object of a response, or exit 5 naming the status and the content type. */
export function jsonBody(res: HttpResponse, purpose: string, host: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new ServiceError(
    `${purpose} at ${host} answered HTTP ${res.status} with ${contentType(res)}` +
      `${res.body.length === 0 ? ' and an empty body' : ''}, not the JSON expected; ` +
      `a proxy or an outage may be in the way (client-request-id ${res.clientRequestId}).`,
  );
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Numbers that may arrive as strings (IMDS, App Service, v1 endpoints). */
export function numeric(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** The error fields of a body, if it has any; `error` may also be `{code, message}` (managed identity). */
export function entraError(body: Record<string, unknown>): EntraErrorBody | undefined {
  const raw = body.error;
  const nested = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : undefined;
  const error = nested ? text(nested.code) : text(raw);
  if (!error) return undefined;
  const description = (text(body.error_description) ?? text(nested?.message) ?? text(body.message) ?? '').split(/\r?\n/)[0]!.trim();
  const codes = Array.isArray(body.error_codes) ? body.error_codes.map(Number).filter(Number.isFinite) : [];
  const fromDescription = /AADSTS(\d+)/.exec(description);
  if (codes.length === 0 && fromDescription) codes.push(Number(fromDescription[1]));
  const out: EntraErrorBody = { error, description, codes };
  const trace = text(body.trace_id);
  const correlation = text(body.correlation_id);
  if (trace) out.traceId = trace;
  if (correlation) out.correlationId = correlation;
  if (text(body.suberror)) out.suberror = text(body.suberror)!;
  if (text(body.claims)) out.claims = text(body.claims)!;
  return out;
}

// Refresh errors that a new sign-in fixes (entra-protocol.md 4.6); the codes are refusal-table.ts's.
const interactionErrors = new Set(['invalid_grant', 'interaction_required', 'consent_required', 'login_required']);

/**
 * What a refused refresh means: `dead` (drop that refresh token), `blocked` (Conditional
 * Access), `unknown-resource`, `interaction` (a new sign-in fixes it), or `other`.
 */
export type RefusalKind = 'dead' | 'blocked' | 'unknown-resource' | 'interaction' | 'other';

/** An OAuth error from Entra, with what the engine needs to decide what comes next. */
export class OAuthError extends AuthenticationError {
  constructor(
    message: string,
    readonly entra: EntraErrorBody,
    details: EntraErrorDetails,
  ) {
    super(message, details);
  }

  /** A person signing in again would fix it. */
  get needsInteraction(): boolean {
    if (this.entra.codes.some((c) => blockedCodes.has(c) || unknownResourceCodes.has(c))) return false;
    return interactionErrors.has(this.entra.error) || this.entra.codes.some((c) => signInFixesCodes.has(c));
  }

  /** The refresh token used is expired, revoked or malformed: drop it (and only it). */
  get refreshTokenIsDead(): boolean {
    if (this.entra.codes.some((c) => deadTokenCodes.has(c))) return true;
    return this.entra.error === 'invalid_grant' && this.entra.codes.length === 0;
  }

  get refusal(): RefusalKind {
    if (this.refreshTokenIsDead) return 'dead';
    if (this.entra.codes.some((c) => blockedCodes.has(c))) return 'blocked';
    if (this.entra.codes.some((c) => unknownResourceCodes.has(c))) return 'unknown-resource';
    return this.needsInteraction ? 'interaction' : 'other';
  }

  /** Entra's own sentence, `AADSTSnnnnn: reason`, without trace ids (they stay in `message`). */
  get reason(): string {
    const said = (this.entra.description || this.entra.error).replace(/[.\s]+$/, '');
    return /^AADSTS\d+/.test(said) || this.entra.codes.length === 0 ? said : `AADSTS${this.entra.codes[0]}: ${said}`;
  }
}

const hints: Array<[RegExp | number, string]> = [
  [50196, 'Entra ID saw too many identical requests from this client in a short time, and azsess tried once more; wait a few minutes before trying again, and check that nothing runs azsess in a tight loop'],
  [7000215, "check the client secret where it was given (AZURE_CLIENT_SECRET, the manifest, or az login's -p)"],
  [7000222, 'the client secret has expired; create a new one'],
  [700016, 'check the client id and the tenant'],
  [90002, 'check the tenant, and the cloud (--cloud)'],
  [9001023, 'app-only sign-in needs a real tenant, not common or organizations: set --tenant'],
  [700027, 'the signature did not verify: upload this certificate to the app registration, or (federated) check that the token comes from the issuer the app trusts'],
  [700024, 'the assertion has expired or is not valid yet: check the clock, and that whatever writes the federated token file keeps it fresh'],
  [700023, "the assertion's audience is not this token endpoint: check --tenant and the login host"],
  [70021, "add a federated credential to the app registration whose issuer, subject and audience are those of this token (docs/ci.md)"],
  [700211, "add a federated credential to the app registration for this token's issuer (docs/ci.md)"],
  [700212, 'the federated credential expects another audience: fix it, or pass --federated-audience (github) to ask for that one'],
  [700213, "add a federated credential to the app registration for this token's subject (docs/ci.md)"],
  [/^invalid_client$/, 'check the client id and its secret or certificate'],
  [/^invalid_scope$/, 'check --scope'],
];

function hintFor(entra: EntraErrorBody, fallback: string): string {
  for (const [key, hint] of hints) {
    if (typeof key === 'number' ? entra.codes.includes(key) : key.test(entra.error)) return hint;
  }
  return fallback;
}

/** Turns an Entra error body into an OAuthError whose message quotes Entra and its ids. */
export function oauthError(entra: EntraErrorBody, res: HttpResponse, what: string, fallbackHint: string): OAuthError {
  const ids = [
    entra.traceId && `trace id ${entra.traceId}`,
    entra.correlationId && `correlation id ${entra.correlationId}`,
    `client-request-id ${res.clientRequestId}`,
  ].filter(Boolean);
  const said = entra.description || entra.error;
  const message = `${what}: ${said.replace(/[.\s]+$/, '')} (${entra.error}; ${ids.join(', ')}); ${hintFor(entra, fallbackHint)}.`;
  const details: EntraErrorDetails = { error: entra.error, errorCodes: entra.codes, clientRequestId: res.clientRequestId };
  if (entra.traceId) details.traceId = entra.traceId;
  if (entra.correlationId) details.correlationId = entra.correlationId;
  if (entra.claims) details.claims = entra.claims;
  return new OAuthError(message, entra, details);
}

/**
 * A token endpoint's answer: the token, or an OAuthError, or exit 5 for anything else.
 * `requestStart` makes the expiry conservative (entra-protocol.md 6).
 */
export function parseTokenResponse(
  res: HttpResponse,
  context: { purpose: string; host: string; what: string; hint: string; requestStart: Date },
): TokenResult {
  const body = jsonBody(res, context.purpose, context.host);
  const entra = entraError(body);
  if (entra || res.status >= 400) {
    throw oauthError(entra ?? { error: `http_${res.status}`, description: `HTTP ${res.status}`, codes: [] }, res, context.what, context.hint);
  }
  const accessToken = text(body.access_token);
  const expiresIn = numeric(body.expires_in);
  if (!accessToken || expiresIn === undefined) {
    throw new ServiceError(
      `${context.purpose} at ${context.host} answered HTTP ${res.status} without ${accessToken ? 'expires_in' : 'an access_token'}; ` +
        `this is not a token response (client-request-id ${res.clientRequestId}).`,
    );
  }
  const result: TokenResult = { accessToken, expiresAt: new Date(context.requestStart.getTime() + expiresIn * 1000) };
  const refreshToken = text(body.refresh_token);
  const idToken = text(body.id_token);
  if (refreshToken) result.refreshToken = refreshToken;
  if (idToken) result.idToken = idToken;
  for (const secret of [accessToken, refreshToken, idToken]) rememberSecret(secret);
  return result;
}
