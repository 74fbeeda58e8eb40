import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';
import type { InteractionDetails } from 'oidc-provider';

import { findClient, findUser, findUserByOid } from './entra-directory.js';
import { consentPage, errorPage, loginPage } from './entra-pages.js';
import { isMemberOf } from './entra-routes.js';
import { sendHtml } from './http-server.js';

/** The test IdP's own login and consent pages, driven through oidc-provider's interaction API. */

const OIDC_WORDING: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'View your basic profile',
  email: 'View your email address',
  offline_access: 'Maintain access to data you have given it access to',
};

export interface InteractionRequest {
  provider: Provider;
  req: IncomingMessage;
  res: ServerResponse;
  tenantPath: string;
  /** `login` or `confirm` for a form post, undefined to show the current page. */
  step?: string;
  form: Record<string, string>;
}

function clientName(details: InteractionDetails): string {
  const id = String(details.params.client_id ?? '');
  return findClient(id)?.name ?? id;
}

function permissionsOf(details: InteractionDetails): string[] {
  const d = details.prompt.details;
  const oidc = ((d.missingOIDCScope ?? []) as string[]).map((s) => OIDC_WORDING[s] ?? s);
  const resources = Object.values((d.missingResourceScopes ?? {}) as Record<string, string[]>).flat();
  return [...new Set([...resources, ...oidc])];
}

function renderStep(r: InteractionRequest, details: InteractionDetails, error?: string, username?: string): void {
  const base = `${r.tenantPath}/interaction/${details.uid}`;
  if (details.prompt.name === 'login') {
    const hint = username ?? (typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined);
    sendHtml(r.res, 200, loginPage({ action: `${base}/login`, clientName: clientName(details), username: hint, error }));
    return;
  }
  const oid = details.session?.accountId;
  sendHtml(r.res, 200, consentPage({
    action: `${base}/confirm`,
    clientName: clientName(details),
    username: findUserByOid(oid)?.username ?? oid ?? '',
    permissions: permissionsOf(details),
    deviceFlow: details.returnTo.includes('/devicelogin/'),
  }));
}

async function login(r: InteractionRequest, details: InteractionDetails): Promise<void> {
  const user = findUser(r.form.username);
  if (!user) {
    renderStep(r, details, `AADSTS50034: The user account ${r.form.username ?? ''} does not exist in the azsess-test directory.`, r.form.username);
    return;
  }
  if (user.password !== r.form.password) {
    renderStep(r, details, 'AADSTS50126: Error validating credentials due to invalid username or password.', r.form.username);
    return;
  }
  const tenant = r.tenantPath.slice(1);
  if (!isMemberOf(tenant, user)) {
    renderStep(r, details, `AADSTS50020: User account '${user.username}' does not exist in tenant '${tenant}'.`, r.form.username);
    return;
  }
  await r.provider.interactionFinished(r.req, r.res, { login: { accountId: user.oid } }, { mergeWithLastSubmission: false });
}

async function confirm(r: InteractionRequest, details: InteractionDetails): Promise<void> {
  if (r.form.action !== 'accept') {
    await r.provider.interactionFinished(r.req, r.res, {
      error: 'access_denied',
      error_description: 'AADSTS65004: User declined to consent to access the app.',
    }, { mergeWithLastSubmission: false });
    return;
  }
  const { prompt: { details: missing }, params, session } = details;
  const grant = (details.grantId ? await r.provider.Grant.find(details.grantId) : undefined)
    ?? new r.provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
  if (missing.missingOIDCScope) grant.addOIDCScope((missing.missingOIDCScope as string[]).join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
  for (const [indicator, scopes] of Object.entries((missing.missingResourceScopes ?? {}) as Record<string, string[]>)) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await r.provider.interactionFinished(r.req, r.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** GET shows the login or consent page; POST `login`/`confirm` submits it. */
export async function handleInteraction(r: InteractionRequest): Promise<void> {
  let details: InteractionDetails;
  try {
    details = await r.provider.interactionDetails(r.req, r.res);
  } catch (error) {
    sendHtml(r.res, 400, errorPage('Sign-in session not found', `${(error as Error).message}. Start the sign-in again.`, 400));
    return;
  }
  if (r.step === 'login' && details.prompt.name === 'login') return login(r, details);
  if (r.step === 'confirm' && details.prompt.name === 'consent') return confirm(r, details);
  renderStep(r, details);
}
