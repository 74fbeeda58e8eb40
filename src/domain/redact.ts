/**
 * Last line of defence against a token reaching stderr: every secret azsess handles is
 * remembered here, and every line a person reads passes through `redact`. Code must still never
 * put a secret into a message; this catches the mistake a review missed.
 */
const secrets = new Set<string>();

// Shortest value worth hiding: shorter strings would blank ordinary words.
const minimumLength = 8;

/** Remembers a token, refresh token, secret or assertion for this process. */
export function rememberSecret(value: string | undefined): void {
  if (value && value.length >= minimumLength) secrets.add(value);
}

// Anything shaped like a JWT (header.payload[.signature]), remembered or not.
const jwtShape = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out.replace(jwtShape, '[redacted]');
}
