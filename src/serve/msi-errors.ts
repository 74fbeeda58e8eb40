import {
  AuthenticationError,
  ConfigError,
  InteractionRequiredError,
  InterruptedError,
  ServiceError,
  UsageError,
  asSentence,
} from '../domain/errors.js';
import type { Refusal } from './msi-protocol.js';
import { RefusedRequest } from './token-source.js';

/**
 * A failure to get a token, as the SDKs show it to their users: they quote `error` and
 * `error_description`. A refusal or a bad request is a 4xx, which the SDKs do not retry; the
 * server's own trouble and the service's are 5xx.
 */
export function refusalFor(err: unknown): Refusal {
  if (err instanceof RefusedRequest) return err.refusal;
  const description = err instanceof Error ? asSentence(err.message) : '';
  // Needs a person: the message names the exact `azsess login` command; serve never signs in.
  if (err instanceof InteractionRequiredError) return { status: 401, error: 'interaction_required', description, outcome: 'sign-in needed' };
  if (err instanceof AuthenticationError) {
    const error = err.details.error ?? 'invalid_grant';
    return { status: 400, error, description, outcome: `refused (${error})` };
  }
  if (err instanceof UsageError) return { status: 400, error: 'invalid_request', description, outcome: 'bad request' };
  if (err instanceof InterruptedError) {
    return { status: 503, error: 'temporarily_unavailable', description: 'azsess serve is stopping; start it again.', outcome: 'stopping' };
  }
  if (err instanceof ServiceError) return { status: 502, error: 'temporarily_unavailable', description, outcome: 'service failed' };
  if (err instanceof ConfigError) return { status: 500, error: 'server_error', description, outcome: 'configuration error' };
  return {
    status: 500,
    error: 'server_error',
    description: 'azsess serve met an unexpected failure; its stderr says more, run it with --verbose and report it.',
    outcome: `unexpected failure: ${err instanceof Error ? err.message : String(err)}`,
  };
}
