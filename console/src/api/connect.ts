// The whole "connect a calendar" round trip from the browser, in one place. The provider's consent page
// opens in a POPUP, so this page keeps its in-memory token. Two ways the round trip can end are handled:
//
//  - the return page flow: the OAuth redirect lands on the service's /oauth/return page, which posts
//    {type: 'calendar-oauth', provider, code, state, error?} to this window (same origin) and closes; the
//    console then attaches the account with POST /v1/oauth/complete (authenticated);
//  - the callback flow: the OAuth callback itself attaches the account and shows a small "Calendar
//    connected" page (or a JSON error) in the popup; the console notices the new connection in
//    GET /v1/connections, or reads the popup's same-origin page, or sees the popup closed.
//
// Whichever comes first wins; the popup is closed when the round trip ends.
import { api, ApiProblem } from './client';
import type { Connection, ProviderId } from './types';

export type ConnectOutcome =
  { kind: 'connected'; connectionId: string } | { kind: 'cancelled'; message: string } | { kind: 'failed'; message: string };

export type ConnectRequest = { provider: ProviderId } | { provider: ProviderId; reconnectConnectionId: string };

const POLL_MS = 1000;
/** After the popup closes, a message or a completion already under way may still arrive. */
const CLOSE_GRACE_MS = 1500;

const OAUTH_ERROR_WORDS: Record<string, string> = {
  access_denied: 'You declined access to the calendar, so nothing was connected.',
  invalid_state: 'This sign-in was already used or is unknown. Start connecting again.',
  expired_state: 'The sign-in took too long and expired. Start connecting again.',
  account_mismatch: 'Reconnect with the same calendar account the connection was made with.',
  provider_denied: 'This calendar account is already connected by another user of your organization.',
  exchange_failed: 'The provider did not accept the sign-in. Start connecting again.',
};

export function oauthErrorWords(code: string, fallback?: string): string {
  return OAUTH_ERROR_WORDS[code] ?? fallback ?? 'The calendar provider reported an error during sign-in. Try again.';
}

/** Opens the popup. Call it synchronously in the click handler, or browsers block it. */
export function openConsentPopup(): Window | null {
  const width = 520;
  const height = 680;
  const left = Math.max(0, window.screenX + (window.outerWidth - width) / 2);
  const top = Math.max(0, window.screenY + (window.outerHeight - height) / 2);
  return window.open('about:blank', 'calendar-oauth', `popup,width=${width},height=${height},left=${left},top=${top}`);
}

const listConnections = () => api<{ connections: Connection[] }>('GET', '/v1/connections').then((answer) => answer.connections);

/** What the popup shows when it is back on this origin (the callback flow), or null while it is elsewhere. */
function readReturnedPopup(popup: Window): { ok: true } | { ok: false; code: string; message: string } | null {
  try {
    if (popup.location.origin !== window.location.origin) return null;
    if (!/^\/v1\/oauth\/[a-z]+\/callback$/.test(popup.location.pathname) || popup.document.readyState !== 'complete') return null;
    const text = popup.document.body?.textContent ?? '';
    try {
      const parsed = JSON.parse(text) as { error?: { code: string; message: string }; connectionId?: string };
      if (parsed.error) return { ok: false, code: parsed.error.code, message: parsed.error.message };
    } catch {
      // The HTML "Calendar connected" page.
    }
    return { ok: true };
  } catch {
    return null; // cross-origin (the provider's pages): not readable, by design
  }
}

export async function connectCalendar(popup: Window, request: ConnectRequest, signal?: AbortSignal): Promise<ConnectOutcome> {
  const reconnectId = 'reconnectConnectionId' in request ? request.reconnectConnectionId : null;
  try {
    const before = await listConnections();
    const known = new Set(before.map((connection) => connection.id));
    const started = await api<{ authorizationUrl: string; expiresAt: string }>(
      'POST',
      reconnectId ? `/v1/connections/${reconnectId}/reconnect` : '/v1/connections',
      { body: reconnectId ? {} : { provider: request.provider } },
    );
    if (popup.closed) return { kind: 'cancelled', message: 'The sign-in window was closed before the calendar was connected.' };
    popup.location.href = started.authorizationUrl;
    return await waitForOutcome(popup, request.provider, reconnectId, known, Date.parse(started.expiresAt), signal);
  } catch (error) {
    return { kind: 'failed', message: error instanceof ApiProblem ? error.message : 'Connecting failed. Try again.' };
  } finally {
    if (!popup.closed) popup.close();
  }
}

function waitForOutcome(
  popup: Window,
  provider: ProviderId,
  reconnectId: string | null,
  known: Set<string>,
  expiresAt: number,
  signal?: AbortSignal,
): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    let finished = false;
    let completing = false;
    let closedSince: number | null = null;
    const finish = (outcome: ConnectOutcome) => {
      if (finished) return;
      finished = true;
      window.removeEventListener('message', onMessage);
      clearInterval(timer);
      resolve(outcome);
    };

    // The return page flow: the popup posts the provider's answer; the console attaches the account.
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; provider?: string; code?: string; state?: string; error?: string } | null;
      if (event.origin !== window.location.origin || event.source !== popup || data?.type !== 'calendar-oauth') return;
      if (data.error || !data.code || !data.state) {
        finish({ kind: 'failed', message: oauthErrorWords(data.error ?? 'provider_error') });
        return;
      }
      completing = true;
      api<{ connectionId: string }>('POST', '/v1/oauth/complete', {
        body: { provider: data.provider ?? provider, code: data.code, state: data.state },
      })
        .then((answer) => finish({ kind: 'connected', connectionId: answer.connectionId }))
        .catch((error: unknown) =>
          finish({
            kind: 'failed',
            message: error instanceof ApiProblem ? oauthErrorWords(error.code, error.message) : 'Connecting failed.',
          }),
        );
    };
    window.addEventListener('message', onMessage);
    signal?.addEventListener('abort', () => finish({ kind: 'cancelled', message: 'Connecting was cancelled.' }));

    // The callback flow: the account is attached by the callback; watch the list and the popup.
    let polling = false;
    const poll = async () => {
      if (finished || completing || polling) return;
      polling = true;
      try {
        const returned = readReturnedPopup(popup);
        if (returned && !returned.ok) return finish({ kind: 'failed', message: oauthErrorWords(returned.code, returned.message) });
        const connections = await listConnections();
        const appeared = connections.find((connection) => !known.has(connection.id) && connection.provider === provider);
        if (appeared) return finish({ kind: 'connected', connectionId: appeared.id });
        if (returned?.ok && reconnectId) return finish({ kind: 'connected', connectionId: reconnectId });
        if (popup.closed) {
          closedSince ??= Date.now();
          if (Date.now() - closedSince >= CLOSE_GRACE_MS) {
            finish({ kind: 'cancelled', message: 'The sign-in window was closed before the calendar was connected.' });
          }
        }
        if (Date.now() > expiresAt) finish({ kind: 'failed', message: oauthErrorWords('expired_state') });
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 401) finish({ kind: 'failed', message: error.message });
      } finally {
        polling = false;
      }
    };
    const timer = setInterval(() => void poll(), POLL_MS);
  });
}
