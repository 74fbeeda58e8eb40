type OidcProviderModule = typeof import('oidc-provider');

let loading: Promise<OidcProviderModule> | undefined;

/**
 * Imports oidc-provider without its "Unsupported runtime" warning: v9 targets Node 22 but works
 * on Node 20.20 (it needs URL.parse and crypto.hash, which 20.20 has), and the warning would
 * otherwise land in every test's and the demo's stderr. Only that one message is dropped.
 */
export function loadOidcProvider(): Promise<OidcProviderModule> {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING: Unsupported runtime')) return;
      warn.apply(console, args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}
