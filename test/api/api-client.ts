// A small HTTP client for the API tests: JSON in, JSON (or text) out, the status and headers kept, and a
// helper that connects a sandbox account through the real endpoints (start, consent at the fake, callback,
// complete with the user's token).
import { ALL_PERMISSIONS } from '../../api/auth/permissions';
import { checkAgainstDocument } from '../helpers/openapi-check';
import type { TestStack } from '../helpers/stack';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export async function call<T = any>(
  stack: TestStack,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${stack.apiUrl}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  // Every answer must be what the API's OpenAPI document promises (status documented, body matching).
  await checkAgainstDocument(
    stack.apiUrl,
    { method, path },
    { status: response.status, contentType: response.headers.get('content-type'), body: parsed },
  );
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

export function tokenFor(stack: TestStack, org: string, user: string, permissions: string[] = ALL_PERMISSIONS) {
  return stack.signToken({ org, user, permissions });
}

/**
 * POST /v1/connections -> consent at the fake -> GET the callback (as JSON, like the README's curl flow) ->
 * POST /v1/oauth/complete with the same user's token. `completeWith` completes with another token (attacks).
 */
export async function connectThroughApi(
  stack: TestStack,
  input: { token: string; provider: 'google' | 'microsoft'; email: string; completeWith?: string },
): Promise<{ connectionId: string }> {
  const { code, state } = await consentThroughApi(stack, input);
  const completed = await call(stack, 'POST', '/v1/oauth/complete', {
    token: input.completeWith ?? input.token,
    body: { provider: input.provider, code, state },
  });
  if (completed.status !== 201) throw new Error(`complete: ${completed.status} ${completed.text}`);
  return { connectionId: completed.body.connectionId };
}

/** The first half of connecting: start, consent at the fake as `email`, and the callback's JSON answer. */
export async function consentThroughApi(
  stack: TestStack,
  input: { token: string; provider: 'google' | 'microsoft'; email: string },
): Promise<{ code: string; state: string; authorizationUrl: string }> {
  const started = await call(stack, 'POST', '/v1/connections', {
    token: input.token,
    body: { provider: input.provider, loginHint: input.email },
  });
  if (started.status !== 201) throw new Error(`start connecting: ${started.status} ${started.text}`);
  const fake = input.provider === 'google' ? stack.google : stack.microsoft;
  fake.ensureAccount(input.email);
  const consented = await fake.authorize(started.body.authorizationUrl, input.email);
  const callback = await call(
    stack,
    'GET',
    `/v1/oauth/${input.provider}/callback?code=${encodeURIComponent(consented.code)}&state=${encodeURIComponent(consented.state)}`,
    { headers: { accept: 'application/json' } },
  );
  if (callback.status !== 200) throw new Error(`callback: ${callback.status} ${callback.text}`);
  return { code: callback.body.code, state: callback.body.state, authorizationUrl: started.body.authorizationUrl };
}

export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Row counts of every table a request could change: equal before and after means nothing changed. */
export async function rowCounts(stack: TestStack): Promise<Record<string, number>> {
  const db = stack.deps.db;
  const [connections, events, activities, settings, states, organizations, credentials, pushChannels] = await Promise.all([
    db.calendarConnection.count(),
    db.calendarEvent.count(),
    db.crmActivity.count(),
    db.moduleSettings.count(),
    db.oAuthState.count(),
    db.organization.count(),
    db.credential.count(),
    db.pushChannel.count(),
  ]);
  return { connections, events, activities, settings, states, organizations, credentials, pushChannels };
}
