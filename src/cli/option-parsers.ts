import { displayAuthority } from '../domain/authority.js';
import { UsageError } from '../domain/errors.js';
import { splitScopes } from '../domain/scopes.js';
import { isValidTenant, tenantHint } from '../domain/tenant.js';
import { checkRedirectUri } from '../oauth/redirect-uri.js';

/** Value checks of command-line options, shared by commander and the fast path (no commander here). */

export function parseTenant(value: string): string {
  if (!isValidTenant(value)) throw new UsageError(`--tenant '${value}' is not valid; use ${tenantHint}.`);
  return value;
}

/**
 * A value that is itself a flag (`--scope --resource X`) means the value was left out: say so,
 * rather than take the flag as the value and complain about what follows.
 */
export function notAFlag(flag: string, value: string, example: string): string {
  if (value.startsWith('-')) throw new UsageError(`${flag} needs a value, such as ${example}; '${value}' is a flag.`);
  return value;
}

export function parseResource(value: string): string {
  return notAFlag('--resource', value, 'https://storage.azure.com/');
}

export function collectScopes(value: string, previous: string[] = []): string[] {
  const scopes = splitScopes(notAFlag('--scope', value, 'https://storage.azure.com/.default'));
  if (scopes.length === 0) throw new UsageError('--scope needs a scope such as https://storage.azure.com/.default.');
  return [...previous, ...scopes];
}

export function parseSeconds(flag: string, { min = 0, integer = false } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new UsageError(`${flag} '${value}' is not valid; give a number of seconds${min > 0 ? ` of at least ${min}` : ''}.`);
    }
    return n;
  };
}

/** --redirect-uri: a loopback http URI, normalised as the session records it. */
export function parseRedirectUri(value: string): string {
  const check = checkRedirectUri(value);
  if (!check.ok) throw new UsageError(`--redirect-uri '${displayAuthority(value)}' is not usable: ${check.problem}.`);
  return check.uri;
}

export const parseOffset = parseSeconds('--offset');
export const parseMinValidity = parseSeconds('--min-validity');
export const parseTimeout = parseSeconds('--timeout', { min: 1 });
