// The whole "connect a calendar" round trip from the browser, in one place. The provider's consent page
// opens in a POPUP, so this page keeps its in-memory token. The OAuth redirect lands on the service's
// /oauth/return page, which posts {type: 'calendar-oauth', provider, code, state, error?} to this window
// (same origin only) and closes; the console then attaches the account with POST /v1/oauth/complete, as the
// signed-in user (the callback itself attaches nothing). A popup closed before that message, or a sign-in
// left until its authorization expires, ends the round trip with a clear outcome instead of a spinner.
import { api, ApiProblem } from './client';
import { oauthFailure } from './oauth-errors';
import type { ProviderId } from './types';

export type ConnectOutcome =
  | { kind: 'connected'; connectionId: string }
  | { kind: 'cancelled'; message: string }
  | { kind: 'failed'; message: string; missing?: string[] };

export type ConnectRequest = { provider: ProviderId } | { provider: ProviderId; reconnectConnectionId: string };

const WATCH_MS = 500;
/** The return page posts, then closes: its message may arrive just after the popup is seen closed. */
const CLOSE_GRACE_MS = 1500;
const CLOSED_EARLY = 'The sign-in window was closed before the calendar was connected. Nothing changed; connect again when ready.';

/** Opens the popup. Call it synchronously in the click handler, or browsers block it. */
export function openConsentPopup(): Window | null {
  const width = 520;
  const height = 680;
  const left = Math.max(0, window.screenX + (window.outerWidth - width) / 2);
  const top = Math.max(0, window.screenY + (window.outerHeight - height) / 2);
  return window.open('about:blank', 'calendar-oauth', `popup,width=${width},height=${height},left=${left},top=${top}`);
}

export async function connectCalendar(popup: Window, request: ConnectRequest, signal?: AbortSignal): Promise<ConnectOutcome> {
  const reconnectId = 'reconnectConnectionId' in request ? request.reconnectConnectionId : null;
  try {
    const started = await api<{ authorizationUrl: string; expiresAt: string }>(
      'POST',
      reconnectId ? `/v1/connections/${reconnectId}/reconnect` : '/v1/connections',
      { body: reconnectId ? {} : { provider: request.provider } },
    );
    if (popup.closed) return { kind: 'cancelled', message: CLOSED_EARLY };
    popup.location.href = started.authorizationUrl;
    return await waitForReturn(popup, request.provider, Date.parse(started.expiresAt), signal);
  } catch (error) {
    return { kind: 'failed', message: error instanceof ApiProblem ? error.message : 'Connecting failed. Try again.' };
  } finally {
    if (!popup.closed) popup.close();
  }
}

interface ReturnMessage {
  type?: string;
  provider?: string;
  code?: string;
  state?: string;
  error?: string;
}

function waitForReturn(popup: Window, provider: ProviderId, expiresAt: number, signal?: AbortSignal): Promise<ConnectOutcome> {
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

    const onMessage = (event: MessageEvent) => {
      const data = event.data as ReturnMessage | null;
      if (event.origin !== window.location.origin || event.source !== popup || data?.type !== 'calendar-oauth' || completing) return;
      if (data.error || !data.code || !data.state) {
        finish({ kind: 'failed', ...oauthFailure(data.error ?? 'provider_error') });
        return;
      }
      completing = true;
      api<{ connectionId: string }>('POST', '/v1/oauth/complete', {
        body: { provider: data.provider ?? provider, code: data.code, state: data.state },
      })
        .then((answer) => finish({ kind: 'connected', connectionId: answer.connectionId }))
        .catch((error: unknown) =>
          finish(
            error instanceof ApiProblem
              ? { kind: 'failed', ...oauthFailure(error.code, error.message, error.details) }
              : { kind: 'failed', message: 'Connecting failed. Try again.' },
          ),
        );
    };
    window.addEventListener('message', onMessage);
    signal?.addEventListener('abort', () => finish({ kind: 'cancelled', message: 'Connecting was cancelled.' }));

    // No message will come once the window is closed (after a short grace) or the authorization expired.
    const timer = setInterval(() => {
      if (completing) return;
      if (popup.closed) {
        closedSince ??= Date.now();
        if (Date.now() - closedSince >= CLOSE_GRACE_MS) finish({ kind: 'cancelled', message: CLOSED_EARLY });
      }
      if (Date.now() > expiresAt) finish({ kind: 'failed', ...oauthFailure('expired_state') });
    }, WATCH_MS);
  });
}
