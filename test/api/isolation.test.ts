// Tenant isolation and permissions, table-driven: every endpoint called as a user of another organization,
// as a non-owner of the same organization and without each permission. Nothing may leak (404 exactly like
// a missing resource, or 403 naming the permission) and nothing may change (row counts and rows equal).
import { ALL_PERMISSIONS, PERMISSIONS, type Permission } from '../../api/auth/permissions';
import { postgresTestsSkipped } from '../helpers/database';
import { startTestStack, type TestStack } from '../helpers/stack';
import { call, connectThroughApi, eventually, rowCounts, tokenFor } from './api-client';

interface Case {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  idempotent?: boolean;
  permission: Permission;
  /** Addresses the owner's connection: other users must get 404. */
  ownerOnly: boolean;
}

// On SQLite the queries' WHERE clauses isolate; on PostgreSQL the API connects as production does (the
// application role, row-level security binding), which also proves every route reads in its tenant's scope.
const VARIANTS = postgresTestsSkipped() ? (['sqlite'] as const) : (['sqlite', 'postgresql'] as const);

describe.each(VARIANTS)('API: tenant isolation and permissions (%s)', (provider) => {
  let stack: TestStack;
  let owner: string;
  let connectionId: string;
  let eventId: string;
  const email = 'isolated-owner@example.com';
  const start = () => new Date(Date.now() + 72 * 3_600_000).toISOString();

  beforeAll(async () => {
    stack = await startTestStack(provider === 'postgresql' ? { provider, databaseRoles: true } : {});
    owner = await tokenFor(stack, 'acme', 'olivia');
    ({ connectionId } = await connectThroughApi(stack, { token: owner, provider: 'google', email }));
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token: owner }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
    );
    const scheduled = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
      token: owner,
      body: { title: 'Owner meeting', start: start(), attendees: [{ email: 'secret-guest@example.org' }] },
      headers: { 'idempotency-key': 'owner-meeting-01' },
    });
    expect(scheduled.status).toBe(201);
    eventId = scheduled.body.eventId;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const cases: Case[] = [
    { name: 'get connection', method: 'GET', path: () => `/v1/connections/${connectionId}`, permission: PERMISSIONS.view, ownerOnly: true },
    {
      name: 'disconnect',
      method: 'DELETE',
      path: () => `/v1/connections/${connectionId}`,
      permission: PERMISSIONS.connect,
      ownerOnly: true,
    },
    { name: 'sync', method: 'POST', path: () => `/v1/connections/${connectionId}/sync`, permission: PERMISSIONS.connect, ownerOnly: true },
    {
      name: 'reconnect',
      method: 'POST',
      path: () => `/v1/connections/${connectionId}/reconnect`,
      permission: PERMISSIONS.connect,
      ownerOnly: true,
    },
    {
      name: 'schedule',
      method: 'POST',
      path: () => `/v1/connections/${connectionId}/meetings`,
      body: () => ({ title: 'Intruder', start: start() }),
      idempotent: true,
      permission: PERMISSIONS.schedule,
      ownerOnly: true,
    },
    {
      name: 'reschedule',
      method: 'PATCH',
      path: () => `/v1/connections/${connectionId}/meetings/${eventId}`,
      body: () => ({ title: 'Hijacked' }),
      idempotent: true,
      permission: PERMISSIONS.schedule,
      ownerOnly: true,
    },
    {
      name: 'cancel',
      method: 'DELETE',
      path: () => `/v1/connections/${connectionId}/meetings/${eventId}`,
      idempotent: true,
      permission: PERMISSIONS.schedule,
      ownerOnly: true,
    },
    {
      name: 'edit event',
      method: 'PATCH',
      path: () => `/v1/connections/${connectionId}/events/${eventId}`,
      body: () => ({ title: 'Hijacked' }),
      idempotent: true,
      permission: PERMISSIONS.schedule,
      ownerOnly: true,
    },
    {
      name: 'edit occurrences',
      method: 'PATCH',
      path: () => `/v1/connections/${connectionId}/events/${eventId}/occurrences/${start()}?scope=following`,
      body: () => ({ title: 'Hijacked' }),
      idempotent: true,
      permission: PERMISSIONS.schedule,
      ownerOnly: true,
    },
    {
      name: 'cancel occurrence',
      method: 'DELETE',
      path: () => `/v1/connections/${connectionId}/events/${eventId}/occurrences/${start()}`,
      idempotent: true,
      permission: PERMISSIONS.schedule,
      ownerOnly: true,
    },
    {
      name: 'event history',
      method: 'GET',
      path: () => `/v1/connections/${connectionId}/events/${eventId}/history`,
      permission: PERMISSIONS.view,
      ownerOnly: true,
    },
    {
      name: 'one event',
      method: 'GET',
      path: () => `/v1/connections/${connectionId}/events/${eventId}`,
      permission: PERMISSIONS.view,
      ownerOnly: true,
    },
    { name: 'activity timeline', method: 'GET', path: () => '/v1/activities', permission: PERMISSIONS.view, ownerOnly: false },
    {
      name: 'free/busy by address',
      method: 'POST',
      path: () => '/v1/freebusy',
      body: () => ({ emails: [email], from: start(), to: new Date(Date.parse(start()) + 3_600_000).toISOString() }),
      permission: PERMISSIONS.view,
      ownerOnly: false,
    },
    {
      name: 'connection events',
      method: 'GET',
      path: () => `/v1/connections/${connectionId}/events`,
      permission: PERMISSIONS.view,
      ownerOnly: true,
    },
    { name: 'list connections', method: 'GET', path: () => '/v1/connections', permission: PERMISSIONS.view, ownerOnly: false },
    {
      name: 'start connecting',
      method: 'POST',
      path: () => '/v1/connections',
      body: () => ({ provider: 'google' }),
      permission: PERMISSIONS.connect,
      ownerOnly: false,
    },
    { name: 'org events', method: 'GET', path: () => '/v1/events', permission: PERMISSIONS.view, ownerOnly: false },
    {
      name: 'free/busy',
      method: 'POST',
      path: () => '/v1/freebusy',
      body: () => ({ userIds: ['olivia'], from: start(), to: new Date(Date.parse(start()) + 3_600_000).toISOString() }),
      permission: PERMISSIONS.view,
      ownerOnly: false,
    },
    { name: 'read settings', method: 'GET', path: () => '/v1/settings', permission: PERMISSIONS.view, ownerOnly: false },
    {
      name: 'change settings',
      method: 'PATCH',
      path: () => '/v1/settings',
      body: () => ({ syncPollIntervalMinutes: 30 }),
      permission: PERMISSIONS.admin,
      ownerOnly: false,
    },
  ];

  async function snapshot() {
    const db = stack.deps.db;
    return {
      counts: await rowCounts(stack),
      connection: await db.calendarConnection.findUniqueOrThrow({
        where: { id: connectionId },
        select: { status: true, userId: true, updatedAt: true },
      }),
      event: await db.calendarEvent.findUniqueOrThrow({
        where: { id: eventId },
        select: { title: true, status: true, startAt: true, updatedAt: true },
      }),
      fakeEvents: stack.google
        .listEvents(email)
        .map((event) => `${event.id}:${event.title}:${event.status}`)
        .sort(),
      settings: await db.moduleSettings.findMany(),
    };
  }

  const send = (c: Case, token: string, key: string) =>
    call(stack, c.method, c.path(), {
      token,
      ...(c.body ? { body: c.body() } : {}),
      ...(c.idempotent ? { headers: { 'idempotency-key': key } } : {}),
    });

  it.each(cases.filter((c) => c.ownerOnly).map((c) => [c.name, c] as const))(
    '%s: another organization and a non-owner get 404 and change nothing',
    async (_name, c) => {
      const before = await snapshot();
      const outsider = await tokenFor(stack, 'globex', 'olivia'); // same user id, other organization
      const colleague = await tokenFor(
        stack,
        'acme',
        'nick',
        ALL_PERMISSIONS.filter((p) => p !== PERMISSIONS.viewAll),
      );
      for (const [who, token] of [
        ['outsider', outsider],
        ['colleague', colleague],
      ] as const) {
        const response = await send(c, token, `iso-${who}-${c.name.replace(/\W/g, '')}-key`);
        expect([who, response.status]).toEqual([who, 404]);
        expect(response.body.error.code).toBe('not_found');
        expect(response.text).not.toContain(email);
        expect(response.text).not.toContain('secret-guest');
      }
      // A missing id answers the same.
      const missing = await call(stack, c.method, c.path().replace(connectionId, '00000000-0000-4000-8000-000000000000'), {
        token: owner,
        ...(c.body ? { body: c.body() } : {}),
        ...(c.idempotent ? { headers: { 'idempotency-key': 'missing-id-key' } } : {}),
      });
      expect(missing.status).toBe(404);
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: without its permission the owner gets 403 naming it and nothing changes',
    async (_name, c) => {
      const before = await snapshot();
      const lacking = await tokenFor(
        stack,
        'acme',
        'olivia',
        ALL_PERMISSIONS.filter((p) => p !== c.permission),
      );
      const response = await send(c, lacking, `perm-${c.name.replace(/\W/g, '')}-key`);
      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain(c.permission);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('an outsider sees nothing of the organization in listings', async () => {
    const outsider = await tokenFor(stack, 'globex', 'olivia');
    expect((await call(stack, 'GET', '/v1/connections', { token: outsider })).body.connections).toEqual([]);
    expect((await call(stack, 'GET', '/v1/events?limit=500', { token: outsider })).body.events).toEqual([]);
    const freeBusy = await call(stack, 'POST', '/v1/freebusy', {
      token: outsider,
      body: { userIds: ['olivia'], from: start(), to: new Date(Date.parse(start()) + 3_600_000).toISOString() },
    });
    expect(freeBusy.body.users).toEqual([{ userId: 'olivia', busy: [], errors: [], sources: [] }]);
    const byAddress = await call(stack, 'POST', '/v1/freebusy', {
      token: outsider,
      body: { emails: [email], from: start(), to: new Date(Date.parse(start()) + 3_600_000).toISOString() },
    });
    expect(byAddress.body.emails).toEqual([{ connected: false, busy: [], errors: [], sources: [] }]);
    expect((await call(stack, 'GET', '/v1/activities', { token: outsider })).body.activities).toEqual([]);
    const colleague = await tokenFor(stack, 'acme', 'nick', [PERMISSIONS.view]);
    expect((await call(stack, 'GET', '/v1/connections', { token: colleague })).body.connections).toEqual([]);
  });
});
