// Privacy on the real stack, on both providers: an event marked private in the calendar (Google visibility
// private, Graph sensitivity private) is a busy block to anyone but its owner, view-all included, in the
// event API, its history, its .ics, free/busy and feeds; busy-only feeds carry busy blocks and nothing else
// (no titles, zones, rules, free events).
import ICAL from 'ical.js';
import { PERMISSIONS } from '../../api/auth/permissions';
import { occurrenceStarts } from '../../domain/recurrence/occurrences';
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';

const DAY = 86_400_000;
const day = (n: number, hour: number) => new Date(Math.floor(Date.now() / DAY) * DAY + n * DAY + hour * 3_600_000).toISOString();
const at = (n: number, hour: number, timeZone = 'Europe/Berlin') => ({ kind: 'dateTime' as const, dateTime: day(n, hour), timeZone });

describe.each(['google', 'microsoft'] as const)('%s: private events stay private', (provider) => {
  let stack: TestStack;
  let owner: string;
  let manager: string;
  let connectionId: string;
  const email = `private-owner-${provider}@example.com`;

  beforeAll(async () => {
    stack = await startTestStack();
    owner = await tokenFor(stack, 'acme', 'olivia');
    manager = await tokenFor(stack, 'acme', 'manager', [PERMISSIONS.view, PERMISSIONS.viewAll]);
    const fake = provider === 'google' ? stack.google : stack.microsoft;
    fake.ensureAccount(email);
    fake.seedEvents(email, [
      { title: 'Oncology appointment', location: 'Clinic 3', description: 'bring scans', start: at(2, 9), end: at(2, 10), private: true },
      { title: 'Therapy', start: at(3, 7), end: at(3, 8), recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'], private: true },
      { title: 'Focus time', start: at(4, 12), end: at(4, 14), free: true },
      { title: 'Pipeline review', start: at(5, 9), end: at(5, 10) },
    ]);
    ({ connectionId } = await connectThroughApi(stack, { token: owner, provider, email }));
    await eventually(
      () => stack.deps.db.calendarEvent.count({ where: { connectionId, status: { not: 'cancelled' } } }),
      (n) => n >= 4,
      'first sync',
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const SECRETS = ['Oncology', 'Clinic 3', 'bring scans', 'Therapy'];

  it('shows a view-all reader busy blocks only, and the owner everything', async () => {
    const seen = await call(stack, 'GET', '/v1/events?userId=olivia&limit=500', { token: manager });
    expect(seen.status).toBe(200);
    for (const secret of SECRETS) expect(seen.text).not.toContain(secret);
    const blocks = seen.body.events.filter((event: { private: boolean }) => event.private);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(block).toMatchObject({ title: null, description: null, location: null, attendees: null, organizer: null, timeZone: null });
      expect(block.externalEventId).toBe('');
    }
    expect(seen.body.events.map((event: { title: string | null }) => event.title)).toContain('Pipeline review');
    // Per connection too.
    const perConnection = await call(stack, 'GET', `/v1/connections/${connectionId}/events`, { token: manager });
    for (const secret of SECRETS) expect(perConnection.text).not.toContain(secret);

    const own = await call(stack, 'GET', '/v1/events?limit=500', { token: owner });
    const appointment = own.body.events.find((event: { title: string }) => event.title === 'Oncology appointment');
    expect(appointment).toMatchObject({ private: true, location: 'Clinic 3' });
  });

  it("keeps a private event's history and .ics from a view-all reader", async () => {
    const row = await stack.deps.db.calendarEvent.findFirstOrThrow({ where: { connectionId, title: 'Oncology appointment' } });
    expect(row.isPrivate).toBe(true);
    const history = await call(stack, 'GET', `/v1/connections/${connectionId}/events/${row.id}/history`, { token: manager });
    expect(history.status).toBe(404);
    expect((await call(stack, 'GET', `/v1/connections/${connectionId}/events/${row.id}/history`, { token: owner })).status).toBe(200);

    const ics = await call(stack, 'GET', `/v1/events/${row.id}.ics`, { token: manager });
    expect(ics.status).toBe(200);
    for (const secret of SECRETS) expect(ics.text).not.toContain(secret);
    const events = new ICAL.Component(ICAL.parse(ics.text)).getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    expect(events[0]!.getFirstPropertyValue('summary')).toBe('Busy');
    expect((events[0]!.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(row.startAt.toISOString());
  });

  it('counts private events as busy and free events as free in free/busy', async () => {
    const from = day(1, 0);
    const to = day(10, 0);
    const answer = await call(stack, 'POST', '/v1/freebusy', { token: manager, body: { userIds: ['olivia'], from, to } });
    expect(answer.status).toBe(200);
    const busy = answer.body.users[0].busy as Array<{ start: string; end: string }>;
    const covers = (start: string, end: string) => busy.some((block) => block.start <= start && block.end >= end);
    expect(covers(day(2, 9), day(2, 10))).toBe(true);
    expect(covers(day(5, 9), day(5, 10))).toBe(true);
    expect(busy.some((block) => block.start < day(4, 14) && block.end > day(4, 12))).toBe(false);
    for (const secret of SECRETS) expect(answer.text).not.toContain(secret);
  });

  it('serves busy-only feeds with busy blocks and nothing else', async () => {
    const created = await call(stack, 'POST', '/v1/feeds', { token: owner, body: { visibility: 'public' } });
    const text = await (await fetch(created.body.url)).text();
    for (const secret of [...SECRETS, 'Focus time', 'Pipeline review', email, 'Europe/Berlin', 'W. Europe'])
      expect(text).not.toContain(secret);
    for (const banned of ['RRULE', 'EXDATE', 'RECURRENCE-ID', 'VTIMEZONE', 'TZID', 'DESCRIPTION', 'LOCATION', 'ATTENDEE', 'ORGANIZER']) {
      expect(text).not.toContain(banned);
    }
    const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
    const starts = events.map((event) => (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).sort();
    // The appointment, three therapy sessions (expanded, 07:00Z wall time in Berlin each week), the review;
    // not the free focus time.
    const therapy = occurrenceStarts(
      { start: new Date(day(3, 7)), timeZone: 'Europe/Berlin', lines: ['RRULE:FREQ=WEEKLY;COUNT=3'] },
      { from: new Date(day(0, 0)), until: new Date(day(30, 0)) },
    ).map((date) => date.toISOString());
    expect(therapy).toHaveLength(3);
    expect(starts).toEqual([day(2, 9), day(5, 9), ...therapy].sort());
    for (const event of events) expect(event.getFirstPropertyValue('summary')).toBe('Busy');
  });
});
