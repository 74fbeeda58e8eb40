/** Kinds of secret a test server hands out or is configured with. */
export type IssuedKind =
  | 'access_token' | 'refresh_token' | 'id_token' | 'device_code' | 'authorization_code'
  | 'client_secret' | 'password' | 'identity_header' | 'msi_secret' | 'arc_key'
  | 'client_assertion' | 'federated_token' | 'oidc_request_token' | 'registry_token';

/**
 * Every secret value a test server issued or was configured with, so a test can prove none of
 * them reached azsess's stderr or log files.
 */
export class IssuedValues {
  /** Every recorder of this test process: what the leak scan looks for (test/support/leak-scan.ts). */
  static readonly all = new Set<IssuedValues>();

  readonly #values = new Map<string, IssuedKind>();

  constructor() {
    IssuedValues.all.add(this);
  }

  record(kind: IssuedKind, value: string | undefined): void {
    if (typeof value === 'string' && value.length > 0) this.#values.set(value, kind);
  }

  /** Every recorded value, or those of one kind. */
  values(kind?: IssuedKind): string[] {
    return [...this.#values].filter(([, k]) => kind === undefined || k === kind).map(([v]) => v);
  }

  has(value: string): boolean {
    return this.#values.has(value);
  }

  kindOf(value: string): IssuedKind | undefined {
    return this.#values.get(value);
  }

  /** Values of every recorder of this process that occur in `text`. */
  static findInAll(text: string): string[] {
    return [...IssuedValues.all].flatMap((recorder) => recorder.findIn(text));
  }

  /**
   * Recorded values that occur in `text`. Values shorter than 8 characters are ignored: they
   * would match by accident and none of the secrets here is that short.
   */
  findIn(text: string): string[] {
    return this.values().filter((v) => v.length >= 8 && text.includes(v));
  }
}
