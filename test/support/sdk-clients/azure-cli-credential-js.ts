/**
 * A program built on `@azure/identity` that finds its credential by running `az`, as a developer's
 * program does: AzureCliCredential, or DefaultAzureCredential (whose developer link it is). Usage:
 *   node azure-cli-credential-js.js <cli|default> <scope> [<scope>...]
 * One getToken per scope, in turn; prints one JSON line {"tokens": [...], "errors": [...]}.
 */
import { AzureCliCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';

const [kind = 'cli', ...scopes] = process.argv.slice(2);
const credential: TokenCredential = kind === 'default' ? new DefaultAzureCredential() : new AzureCliCredential();
const tokens: string[] = [];
const errors: string[] = [];
for (const scope of scopes) {
  try {
    const token = await credential.getToken(scope);
    if (token) tokens.push(token.token);
  } catch (err) {
    errors.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
}
process.stdout.write(`${JSON.stringify({ tokens, errors })}\n`);
