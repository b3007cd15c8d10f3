// The session's API token, in memory only: never in localStorage, sessionStorage or a cookie, so a reload
// signs out and nothing lingers on the machine. A CRM hands the token over in the URL fragment
// (/console/#token=<jwt>); the fragment is never sent to a server and is removed from the address bar at once.
type Listener = (state: SessionState) => void;

export interface SessionState {
  token: string | null;
  /** Why the last session ended (shown on the sign-in screen). */
  endedBecause: string | null;
}

let state: SessionState = { token: null, endedBecause: null };
const listeners = new Set<Listener>();

export function currentToken(): string | null {
  return state.token;
}

export function sessionState(): SessionState {
  return state;
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener(state);
}

export function startSession(token: string): void {
  set({ token, endedBecause: null });
}

export function endSession(reason: string | null = null): void {
  if (state.token === null && reason === null) return;
  set({ token: null, endedBecause: reason });
}

/** Takes a token handed over in the URL fragment, and removes it from the address bar and history. */
export function takeTokenFromFragment(location: Location, history: History): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) ? token : null;
}
