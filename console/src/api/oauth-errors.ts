// The OAuth round trip's failures in plain words: the provider's own answer on the return page (access_denied,
// ...) and the codes of POST /v1/oauth/complete. Pure (no import of the API client, which needs a browser), so
// it is unit tested (test/unit/console-logic.test.ts).

/** An entry of the API's error.details (ApiProblem.details). */
interface FieldProblem {
  field: string;
  message: string;
}

const OAUTH_ERROR_WORDS: Record<string, string> = {
  access_denied: 'You declined access to the calendar, so nothing was connected.',
  invalid_state: 'This sign-in was already used or is unknown. Start connecting again.',
  expired_state: 'The sign-in took too long and expired. Start connecting again.',
  oauth_state_mismatch: 'This sign-in was started by someone else (a forwarded link?), so it connected nothing. Start connecting yourself.',
  missing_permissions: 'The calendar account did not allow everything the service needs, so nothing was connected.',
  account_mismatch: 'Reconnect with the same calendar account the connection was made with. Nothing was changed.',
  account_in_use: 'This calendar account is already connected by another user of your organization.',
  exchange_failed: 'The provider did not accept the sign-in. Start connecting again.',
  provider_busy: 'The calendar provider is busy right now, so nothing was connected. Start connecting again in a minute.',
};

export interface OAuthFailure {
  message: string;
  /** For missing_permissions: each permission to allow, in words (what it is for — its name). */
  missing: string[];
}

/** A permission as the API names it in error.details: "<scope> (<purpose>) was not granted". */
function missingPermissionWords(detail: FieldProblem): string {
  const named = /^(\S+) \((.+)\) was not granted$/.exec(detail.message);
  return named ? `${named[2]} — ${named[1]}` : detail.message;
}

export function oauthFailure(code: string, fallback?: string, details: FieldProblem[] = []): OAuthFailure {
  const message = OAUTH_ERROR_WORDS[code] ?? fallback ?? 'The calendar provider reported an error during sign-in. Try again.';
  if (code !== 'missing_permissions') return { message, missing: [] };
  const missing = details.filter((detail) => detail.field === 'scope').map(missingPermissionWords);
  return {
    message: missing.length
      ? `${message} Connect again and leave these permissions ticked:`
      : `${message} Connect again and allow every permission asked.`,
    missing,
  };
}
