/**
 * A program built on `@azure/identity`, run as its own process with nothing but IDENTITY_ENDPOINT
 * and IDENTITY_HEADER set, as an SDK user's program would be. Usage:
 *   node azure-identity-js.js <managed-identity|default> <scope> [count] [client id]
 * Makes `count` getToken calls at once (each on its own credential) and prints one JSON line:
 * {"tokens": [...], "errors": [...], "ms": [...]}.
 */
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

const [kind = 'managed-identity', scope = 'https://management.azure.com/.default', countText = '1', clientId] = process.argv.slice(2);

function credential(): TokenCredential {
  if (kind === 'default') return new DefaultAzureCredential();
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}

const results = await Promise.all(
  Array.from({ length: Number(countText) }, async () => {
    const started = performance.now();
    try {
      const token = await credential().getToken(scope);
      return { token: token?.token, ms: performance.now() - started };
    } catch (err) {
      return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }),
);
process.stdout.write(
  `${JSON.stringify({
    tokens: results.flatMap((r) => (r.token ? [r.token] : [])),
    errors: results.flatMap((r) => (r.error ? [r.error] : [])),
    ms: results.flatMap((r) => (r.ms !== undefined ? [r.ms] : [])),
  })}\n`,
);
