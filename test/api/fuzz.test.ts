// Malformed requests, generated from the request schemas with fast-check: valid samples with one field
// broken, unknown fields, wrong types, arbitrary JSON, broken encodings and path parameters. Every answer
// must be a 4xx in the API's error shape (never a 5xx or a stack trace) and nothing may change.
import fc from 'fast-check';
import type { z } from 'zod';
import {
  connectionEventsQuery,
  createConnectionBody,
  editEventBody,
  editOccurrenceBody,
  freeBusyBody,
  orgEventsQuery,
  rescheduleMeetingBody,
  scheduleMeetingBody,
  settingsPatchBody,
} from '../../api/schemas';
import { startTestStack, type TestStack } from '../helpers/stack';
import { call, connectThroughApi, eventually, rowCounts, tokenFor, type ApiResponse } from './api-client';

const RUNS = 350;
const printable = fc.string({
  unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~'.split('')),
  maxLength: 40,
});
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 60 }), fc.constant(null));

/** A valid value with one key replaced by junk, deleted, or an unknown key added; kept only if invalid. */
function brokenFrom(valid: Record<string, unknown>, keys: string[]) {
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: anyJson }).map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => {
      const copy = { ...valid };
      delete copy[key];
      return copy;
    }),
    fc
      .record({ key: printable.filter((k) => k.length > 0 && !keys.includes(k) && k !== '__proto__'), value: anyJson })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    anyJson,
  );
}

function expectClientError(response: ApiResponse, what: string) {
  if (response.status >= 500 || response.status < 400) throw new Error(`${what} -> ${response.status} ${response.text.slice(0, 300)}`);
  if (!response.body?.error?.code || /at .+\(.+:\d+:\d+\)/.test(response.text))
    throw new Error(`${what}: not the error shape: ${response.text.slice(0, 300)}`);
}

describe('API fuzz: malformed requests never 5xx and never change state', () => {
  let stack: TestStack;
  let token: string;
  let connectionId: string;
  let eventId: string;
  const future = () => new Date(Date.now() + 96 * 3_600_000).toISOString();

  beforeAll(async () => {
    stack = await startTestStack({ env: { API_RATE_LIMIT_PER_MINUTE: '1000000' } });
    token = await tokenFor(stack, 'acme', 'fuzzy');
    ({ connectionId } = await connectThroughApi(stack, { token, provider: 'google', email: 'fuzzy@example.com' }));
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
    );
    const scheduled = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
      token,
      body: { title: 'Fuzz target', start: future() },
      headers: { 'idempotency-key': 'fuzz-target-001' },
    });
    eventId = scheduled.body.eventId;
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function unchanged(run: () => Promise<void>) {
    const before = await rowCounts(stack);
    const settingsBefore = await stack.deps.db.moduleSettings.findMany();
    const oauthBefore = await stack.deps.db.oAuthState.findMany({ select: { stateHash: true, consumedAt: true } });
    await run();
    expect(await rowCounts(stack)).toEqual(before);
    expect(await stack.deps.db.moduleSettings.findMany()).toEqual(settingsBefore);
    expect(await stack.deps.db.oAuthState.findMany({ select: { stateHash: true, consumedAt: true } })).toEqual(oauthBefore);
  }

  const bodyCases: Array<{
    name: string;
    method: string;
    path: () => string;
    schema: z.ZodType;
    valid: () => Record<string, unknown>;
    headers?: () => Record<string, string>;
  }> = [
    {
      name: 'start connecting',
      method: 'POST',
      path: () => '/v1/connections',
      schema: createConnectionBody,
      valid: () => ({ provider: 'google', loginHint: 'a@example.com' }),
    },
    {
      name: 'schedule',
      method: 'POST',
      path: () => `/v1/connections/${connectionId}/meetings`,
      schema: scheduleMeetingBody,
      valid: () => ({
        title: 'T',
        start: future(),
        durationMinutes: 30,
        timeZone: 'UTC',
        attendees: [{ email: 'x@example.org' }],
        description: 'd',
        location: 'l',
        contactId: 'c',
      }),
      headers: () => ({ 'idempotency-key': `fuzz-${Math.random().toString(36).slice(2)}` }),
    },
    {
      name: 'reschedule',
      method: 'PATCH',
      path: () => `/v1/connections/${connectionId}/meetings/${eventId}`,
      schema: rescheduleMeetingBody,
      valid: () => ({ title: 'T', start: future(), durationMinutes: 30, timeZone: 'UTC' }),
      headers: () => ({ 'idempotency-key': `fuzz-${Math.random().toString(36).slice(2)}` }),
    },
    {
      name: 'free/busy',
      method: 'POST',
      path: () => '/v1/freebusy',
      schema: freeBusyBody,
      valid: () => ({ userIds: ['fuzzy'], from: new Date().toISOString(), to: future() }),
    },
    {
      name: 'edit event',
      method: 'PATCH',
      path: () => `/v1/connections/${connectionId}/events/${eventId}`,
      schema: editEventBody,
      valid: () => ({
        title: 'T',
        start: future(),
        timeZone: 'UTC',
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
        attendees: [{ email: 'x@example.org' }],
      }),
      headers: () => ({ 'idempotency-key': `fuzz-${Math.random().toString(36).slice(2)}` }),
    },
    {
      name: 'edit occurrences',
      method: 'PATCH',
      path: () => `/v1/connections/${connectionId}/events/${eventId}/occurrences/${future()}?scope=following`,
      schema: editOccurrenceBody,
      valid: () => ({ title: 'T', start: future(), location: 'l' }),
      headers: () => ({ 'idempotency-key': `fuzz-${Math.random().toString(36).slice(2)}` }),
    },
    {
      name: 'settings',
      method: 'PATCH',
      path: () => '/v1/settings',
      schema: settingsPatchBody,
      valid: () => ({ syncPollIntervalMinutes: 10, defaultMeetingDurationMinutes: 30 }),
    },
  ];

  it.each(bodyCases.map((c) => [c.name, c] as const))('%s: broken bodies', async (_name, c) => {
    await unchanged(async () => {
      const valid = c.valid();
      await fc.assert(
        fc.asyncProperty(brokenFrom(valid, Object.keys(valid)), async (body) => {
          fc.pre(!c.schema.safeParse(body).success);
          const response = await call(stack, c.method, c.path(), { token, body, ...(c.headers ? { headers: c.headers() } : {}) });
          expectClientError(response, `${c.name} ${JSON.stringify(body).slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
    });
  });

  it('query strings of the event listings', async () => {
    await unchanged(async () => {
      const keys = ['from', 'to', 'direction', 'limit', 'cursor', 'userId', 'extra', 'limit[]'];
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), printable, { maxKeys: 4 }), fc.boolean(), async (query, org) => {
          const schema = org ? orgEventsQuery : connectionEventsQuery;
          fc.pre(!schema.safeParse(query).success);
          const path = org ? '/v1/events' : `/v1/connections/${connectionId}/events`;
          const response = await call(stack, 'GET', `${path}?${new URLSearchParams(query).toString()}`, { token });
          expectClientError(response, `${path} ${JSON.stringify(query)}`);
        }),
        { numRuns: RUNS },
      );
    });
  });

  // ('.' and '..' are left out: the client normalises them away, reaching another, valid endpoint.)
  it('path parameters, headers, raw bodies and unauthenticated endpoints', async () => {
    await unchanged(async () => {
      const endpoints = [
        ['GET', (id: string) => `/v1/connections/${id}`],
        ['DELETE', (id: string) => `/v1/connections/${id}`],
        ['POST', (id: string) => `/v1/connections/${id}/sync`],
        ['GET', (id: string) => `/v1/connections/${id}/events`],
        ['PATCH', (id: string) => `/v1/connections/${connectionId}/meetings/${id}`],
        ['DELETE', (id: string) => `/v1/connections/${id}/meetings/${eventId}`],
        ['PATCH', (id: string) => `/v1/connections/${connectionId}/events/${eventId}/occurrences/${id}`],
        ['DELETE', (id: string) => `/v1/connections/${connectionId}/events/${id}/occurrences/2026-12-01`],
      ] as const;
      const badId = fc.oneof(
        printable.filter((s) => s.length > 0 && s !== '.' && s !== '..').map(encodeURIComponent),
        fc.constantFrom('%E0%A4%A', '%', '%00', 'a'.repeat(5000)),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...endpoints), badId, printable, async ([method, path], id, key) => {
          const response = await call(stack, method, path(id), {
            token,
            headers: { 'idempotency-key': key },
            ...(method === 'GET' ? {} : { body: { title: 'x' } }),
          });
          expectClientError(response, `${method} ${path(id).slice(0, 120)}`);
        }),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 200 }),
          fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-7'),
          async (raw, type) => {
            fc.pre(
              !createConnectionBody.safeParse(
                (() => {
                  try {
                    return JSON.parse(raw);
                  } catch {
                    return undefined;
                  }
                })(),
              ).success,
            );
            const response = await call(stack, 'POST', '/v1/connections', { token, rawBody: raw, headers: { 'content-type': type } });
            expectClientError(response, `raw body ${JSON.stringify(raw).slice(0, 100)}`);
          },
        ),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom('code', 'state', 'error', 'scope'), printable, { maxKeys: 3 }),
          fc.constantFrom('google', 'microsoft', 'other'),
          async (query, provider) => {
            const response = await call(stack, 'GET', `/v1/oauth/${provider}/callback?${new URLSearchParams(query).toString()}`);
            expectClientError(response, `callback ${JSON.stringify(query)}`);
          },
        ),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('google', 'microsoft'),
          fc.dictionary(fc.constantFrom('x-goog-channel-id', 'x-goog-resource-state', 'x-goog-channel-token'), printable, { maxKeys: 3 }),
          anyJson,
          async (provider, headers, body) => {
            const response = await call(stack, 'POST', `/v1/webhooks/${provider}`, { headers, body });
            if (response.status >= 500) throw new Error(`webhook ${provider} -> ${response.status}`);
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
});
