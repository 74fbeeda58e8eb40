/**
 * Why JSON.parse refused a text, in words fit for an error message. V8's own message quotes an
 * excerpt of the text, which may hold a secret (a manifest's client secret) or control
 * characters that would break the one-line message; keep only what it says went wrong.
 */
export function jsonSyntaxProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const withoutExcerpt = message.replace(/,\s*(?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
  return withoutExcerpt.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
