// oidc-provider 9 ships no type declarations: this is the small part of its API the test IdP uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type Json = any;

  export interface OIDCContext {
    route: string;
    params: Record<string, Json>;
    entities: Record<string, Json>;
    client?: Json;
    session?: Json;
    provider: Provider;
    urlFor(name: string, options?: Record<string, unknown>): string;
  }

  /** The Koa context oidc-provider middleware and callbacks receive. */
  export interface KoaContext {
    req: IncomingMessage;
    res: ServerResponse;
    status: number;
    body: Json;
    type: string;
    path: string;
    method: string;
    state: Record<string, unknown>;
    oidc: OIDCContext;
    set(field: string, value: string): void;
    get(field: string): string;
    response: { get(field: string): string };
  }

  export interface InteractionDetails {
    uid: string;
    returnTo: string;
    prompt: { name: string; reasons: string[]; details: Record<string, Json> };
    params: Record<string, Json>;
    session?: { accountId: string; uid: string };
    grantId?: string;
    lastSubmission?: Record<string, Json>;
  }

  export interface GrantInstance {
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantClass {
    new (properties: { accountId: string; clientId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  }

  export interface StoredToken {
    scope?: string;
    scopes: Set<string>;
    resource?: string | string[];
    accountId?: string;
    clientId: string;
    isExpired: boolean;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, Json>);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): this;
    on(event: string, listener: (...args: Json[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, Json>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    readonly Grant: GrantClass;
    readonly Client: { find(id: string): Promise<Json>; prototype: Json };
    readonly RefreshToken: { find(value: string, options?: { ignoreExpiration?: boolean }): Promise<StoredToken | undefined> };
  }

  export const errors: Record<string, new (...args: Json[]) => Error>;
  export default Provider;
}
