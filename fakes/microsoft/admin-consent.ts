// The admin consent endpoints: GET /{tenant}/adminconsent?client_id&redirect_uri&state (v1, "the app's
// permissions as registered") and GET /{tenant}/v2.0/adminconsent?client_id&scope&redirect_uri&state (app roles
// only through `/.default`; named scopes are delegated permissions, so they grant no app role)
// (learn.microsoft.com/entra/identity-platform/v2-admin-consent, .../v2-oauth2-client-creds-grant-flow).
// In the sandbox the tenant's admin approves at once when the tenant is named; with `organizations` or `common`
// a one-field page asks which admin signs in, with Accept and Cancel. A tenant can be set to decline once
// (declineNextConsent) and `sandbox_decision=decline` declines, so the error answer can be tested.
import express, { type Request, type Response } from 'express';

import type { IdentityProvider } from './identity';
import { newGuid } from './ids';
import type { Tenant, Tenants } from './tenants';

export interface AdminConsentParams {
  client_id?: string;
  redirect_uri?: string;
  state?: string;
  scope?: string;
  login_hint?: string;
  sandbox_decision?: string;
}

const GRAPH = 'https://graph.microsoft.com';
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The outcome of one admin consent request: a redirect back to the app, a page to show, or an error page. */
export type AdminConsentOutcome = { redirect: string } | { page: string } | { error: string };

export function adminConsent(
  deps: { identity: IdentityProvider; tenants: Tenants; onConsent?: (tenant: Tenant, clientId: string) => void },
  tenantParam: string,
  version: 'v1' | 'v2',
  params: AdminConsentParams,
): AdminConsentOutcome {
  const clientId = params.client_id ?? '';
  if (!deps.identity.hasClient(clientId)) {
    return { error: `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.` };
  }
  let redirect: URL;
  try {
    redirect = new URL(params.redirect_uri ?? '');
  } catch {
    return { error: "AADSTS900144: The request body must contain the following parameter: 'redirect_uri'." };
  }
  const scopes = (params.scope ?? '').split(/\s+/).filter(Boolean);
  if (version === 'v2' && scopes.length === 0)
    return { error: "AADSTS900144: The request body must contain the following parameter: 'scope'." };

  const generic = ['organizations', 'common'].includes(tenantParam.toLowerCase());
  const hint = params.login_hint?.trim();
  if (generic && !hint) return { page: signInPage(tenantParam, version, params) };
  const tenant = generic ? deps.tenants.tenantOf(hint!) : deps.tenants.find(tenantParam);
  if (!tenant) {
    return {
      error: `AADSTS90002: Tenant '${generic ? (hint ?? '') : tenantParam}' not found. Check to make sure you have the correct tenant ID.`,
    };
  }

  const declined = params.sandbox_decision === 'decline' || tenant.declineNextConsent === true;
  delete tenant.declineNextConsent;
  const answer = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) if (value !== undefined) redirect.searchParams.set(key, value);
    return { redirect: redirect.toString() };
  };
  if (declined) {
    if (version === 'v1')
      return answer({ error: 'permission_denied', error_description: 'The admin canceled the request', state: params.state });
    const timestamp = `${new Date().toISOString().slice(0, 19).replace('T', ' ')}Z`;
    const trace = `\r\nTrace ID: ${newGuid()}\r\nCorrelation ID: ${newGuid()}\r\nTimestamp: ${timestamp}`;
    return answer({
      admin_consent: 'True',
      error: 'consent_required',
      error_description: `AADSTS65004: The resource owner or authorization server denied the request.${trace}`,
      state: params.state,
    });
  }
  // `/.default` consents to every application permission the registration lists; named scopes are delegated.
  const roles = version === 'v1' || scopes.includes(`${GRAPH}/.default`) ? deps.tenants.appRoles(clientId) : [];
  deps.tenants.consent(tenant, clientId, roles);
  deps.onConsent?.(tenant, clientId);
  if (version === 'v1') return answer({ tenant: tenant.id, state: params.state, admin_consent: 'True' });
  return answer({ admin_consent: 'True', tenant: tenant.id, scope: scopes.join(' '), state: params.state });
}

function signInPage(tenantParam: string, version: 'v1' | 'v2', params: AdminConsentParams): string {
  const hidden = Object.entries(params)
    .filter(([key, value]) => key !== 'login_hint' && key !== 'sandbox_decision' && typeof value === 'string')
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(String(value))}">`)
    .join('');
  const action = `/${encodeURIComponent(tenantParam)}${version === 'v2' ? '/v2.0' : ''}/adminconsent`;
  return (
    `<!doctype html><title>Permissions requested - Microsoft sandbox</title><h1>Permissions requested (sandbox)</h1>` +
    `<form method="get" action="${escapeHtml(action)}">${hidden}` +
    `<label>Administrator email <input name="login_hint" type="email" required></label><br>` +
    `<p>Accept these permissions on behalf of your organization?</p>` +
    `<button name="sandbox_decision" value="approve">Accept</button> <button name="sandbox_decision" value="decline">Cancel</button>` +
    `</form>`
  );
}

export function adminConsentRouter(deps: Parameters<typeof adminConsent>[0]): express.Router {
  const router = express.Router();
  const handle = (version: 'v1' | 'v2') => (req: Request, res: Response) => {
    const params = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as AdminConsentParams;
    const outcome = adminConsent(deps, String(req.params.tenant), version, params);
    if ('redirect' in outcome) res.redirect(302, outcome.redirect);
    else if ('page' in outcome) res.type('html').send(outcome.page);
    else res.status(400).type('text/plain').send(outcome.error);
  };
  router.get('/:tenant/adminconsent', handle('v1'));
  router.get('/:tenant/v2.0/adminconsent', handle('v2'));
  return router;
}
