import { asSentence, AzsessError, ExitCode, InteractionRequiredError, UsageError } from '../../domain/errors.js';
import { redact } from '../../domain/redact.js';

/**
 * A failure of the az entry, as the Azure CLI reports one: `ERROR: <sentence>` on stderr, exit 2
 * for a usage error (argparse's) and 1 for the rest. No session that answers without a person
 * says `az login` in az's own words, which every SDK's AzureCliCredential reads as "credential
 * unavailable" (so DefaultAzureCredential moves on), then azsess's sentence with the exact
 * `azsess login` command; a refusal keeps Entra's AADSTS code in that sentence.
 */
export const azNotSignedIn = "ERROR: Please run 'az login' to setup account.";

export interface AzFailure {
  stderr: string;
  code: number;
}

export function azFailure(err: unknown, verbose: boolean): AzFailure {
  if (err instanceof InteractionRequiredError) return { stderr: `${azNotSignedIn}\nazsess: ${redact(asSentence(err.message))}\n`, code: 1 };
  if (err instanceof UsageError) return { stderr: `ERROR: ${redact(asSentence(err.message))}\n`, code: ExitCode.usage };
  if (err instanceof AzsessError) return { stderr: `ERROR: ${redact(asSentence(err.message))}\n`, code: 1 };
  const message = err instanceof Error ? err.message : String(err);
  const stack = verbose && err instanceof Error && err.stack ? `${redact(err.stack)}\n` : '';
  return { stderr: `ERROR: azsess: unexpected failure: ${redact(message)}; run again with --debug and report it with that output.\n${stack}`, code: 1 };
}
