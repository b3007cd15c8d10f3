// /{tenant}/oauth2/v2.0/authorize and /token. In the sandbox the authorize page signs in `login_hint`
// directly (creating the mailbox on first use) and consents; without a hint it shows a one-field form.
import express, { type Request, type Response } from 'express';
import type { AppTokens } from './app-tokens';
import type { IdentityProvider } from './identity';
import { IdentityError } from './identity';
import type { MicrosoftStore } from './store';

export interface AuthorizeParams {
  client_id?: string;
  response_type?: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  login_hint?: string;
}

/** Validates an authorize request and returns the redirect URL carrying code and state (or an error page text). */
export function completeAuthorization(
  identity: IdentityProvider,
  store: MicrosoftStore,
  params: AuthorizeParams,
  email: string,
): { redirect: string } | { error: string } {
  if (!params.client_id || !identity.hasClient(params.client_id)) {
    return { error: `AADSTS700016: Application with identifier '${params.client_id ?? ''}' was not found in the directory.` };
  }
  if (!params.redirect_uri) return { error: 'AADSTS900144: The request body must contain the following parameter: redirect_uri.' };
  const redirect = new URL(params.redirect_uri);
  const fail = (error: string, description: string) => {
    redirect.searchParams.set('error', error);
    redirect.searchParams.set('error_description', description);
    if (params.state) redirect.searchParams.set('state', params.state);
    return { redirect: redirect.toString() };
  };
  if (params.response_type !== 'code') return fail('unsupported_response_type', 'AADSTS700054: response_type must be code.');
  // The fake insists on PKCE S256 (the real service also allows `plain`; the product never uses it).
  if (!params.code_challenge || params.code_challenge_method !== 'S256') {
    return fail('invalid_request', 'AADSTS9002325: Proof Key for Code Exchange is required (S256).');
  }
  const account = store.ensureAccount(email);
  const code = identity.issueCode({
    clientId: params.client_id,
    email: account.email,
    objectId: account.id,
    redirectUri: params.redirect_uri,
    codeChallenge: params.code_challenge,
    scope: params.scope ?? '',
  });
  redirect.searchParams.set('code', code);
  if (params.state) redirect.searchParams.set('state', params.state);
  redirect.searchParams.set('session_state', account.id);
  return { redirect: redirect.toString() };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function identityRouter(identity: IdentityProvider, store: MicrosoftStore, appTokens?: AppTokens): express.Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false }));

  router.get('/:tenant/oauth2/v2.0/authorize', (req: Request, res: Response) => {
    const params = req.query as AuthorizeParams;
    const email = typeof params.login_hint === 'string' ? params.login_hint.trim() : '';
    if (!email) {
      const hidden = Object.entries(req.query)
        .filter(([k, v]) => k !== 'login_hint' && typeof v === 'string')
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(String(v))}">`)
        .join('');
      res
        .type('html')
        .send(
          `<!doctype html><title>Sign in - Microsoft sandbox</title><h1>Sign in (sandbox)</h1>` +
            `<form method="get">${hidden}<label>Email <input name="login_hint" type="email" required></label> ` +
            `<button>Sign in and accept</button></form>`,
        );
      return;
    }
    const outcome = completeAuthorization(identity, store, params, email);
    if ('error' in outcome) {
      res.status(400).type('text/plain').send(outcome.error);
      return;
    }
    res.redirect(302, outcome.redirect);
  });

  router.post('/:tenant/oauth2/v2.0/token', (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const form = (req.body ?? {}) as Record<string, string | undefined>;
      if (form.grant_type === 'client_credentials' && appTokens) res.json(appTokens.clientCredentials(String(req.params.tenant), form));
      else res.json(identity.token(form));
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      res.status(error.status).json(error.body());
    }
  });
  return router;
}
