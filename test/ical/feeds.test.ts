// iCal export on the real stack: a Google sandbox account is synced, then its feeds are fetched over HTTP
// and parsed with ical.js (an independent RFC 5545 parser, not the generator) and compared with the
// database: a weekly series across a DST change with a cancelled occurrence (EXDATE) and a moved one
// (RECURRENCE-ID), an all-day event, a timed event in another zone with attendees; the public feed hides
// details; revoked tokens answer 404; conditional requests answer 304.
import ICAL from 'ical.js';
import { startTestStack, type TestStack } from '../helpers/stack';
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { PERMISSIONS } from '../../api/auth/permissions';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

function parse(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  // The feed's own VTIMEZONEs are what turn TZID times into instants here: wrong rules, wrong instants.
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return root;
}

function occurrenceStarts(root: ICAL.Component, uid: string, limit = 50): Array<{ start: string; summary: string }> {
  const components = root.getAllSubcomponents('vevent').filter((c) => c.getFirstPropertyValue('uid') === uid);
  const master = components.find((c) => !c.hasProperty('recurrence-id'))!;
  const event = new ICAL.Event(master, { exceptions: components.filter((c) => c.hasProperty('recurrence-id')) });
  const iterator = event.iterator();
  const out: Array<{ start: string; summary: string }> = [];
  for (let next = iterator.next(); next && out.length < limit; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    out.push({ start: details.startDate.toJSDate().toISOString(), summary: details.item.summary });
  }
  return out;
}

describe('iCal feeds', () => {
  let stack: TestStack;
  let token: string;
  let connectionId: string;
  const email = 'ical-owner@example.com';

  beforeAll(async () => {
    // The seeded events are in 2031: the feed window must reach them.
    stack = await startTestStack({ env: { ICAL_FEED_DAYS_AHEAD: '3650' } });
    token = await tokenFor(stack, 'acme', 'ivy');
    stack.google.ensureAccount(email);
    stack.google.seedEvents(email, [
      {
        title: 'Weekly sync',
        description: 'Agenda: numbers',
        location: 'Room 4',
        start: { kind: 'dateTime', dateTime: '2031-03-03T08:00:00.000Z', timeZone: BERLIN },
        end: { kind: 'dateTime', dateTime: '2031-03-03T09:00:00.000Z', timeZone: BERLIN },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
        exceptions: [
          { originalStart: { kind: 'dateTime', dateTime: '2031-03-17T08:00:00.000Z', timeZone: BERLIN }, cancelled: true },
          {
            originalStart: { kind: 'dateTime', dateTime: '2031-03-24T08:00:00.000Z', timeZone: BERLIN },
            patch: {
              title: 'Weekly sync (moved)',
              start: { kind: 'dateTime', dateTime: '2031-03-24T13:00:00.000Z', timeZone: BERLIN },
              end: { kind: 'dateTime', dateTime: '2031-03-24T14:00:00.000Z', timeZone: BERLIN },
            },
          },
        ],
      },
      { title: 'Company holiday', start: { kind: 'date', date: '2031-05-01' }, end: { kind: 'date', date: '2031-05-03' } },
      {
        title: 'Call with New York',
        start: { kind: 'dateTime', dateTime: '2031-04-02T14:30:00.000Z', timeZone: NEW_YORK },
        end: { kind: 'dateTime', dateTime: '2031-04-02T15:15:00.000Z', timeZone: NEW_YORK },
        attendees: [
          { email: 'buyer@example.org', name: 'Bea Buyer', response: 'accepted' },
          { email: 'cfo@example.org', response: 'declined' },
          { email: 'maybe@example.org', response: 'tentative', optional: true },
        ],
      },
      {
        title: 'Gone soon',
        start: { kind: 'dateTime', dateTime: '2031-04-03T10:00:00.000Z', timeZone: 'UTC' },
        end: { kind: 'dateTime', dateTime: '2031-04-03T11:00:00.000Z', timeZone: 'UTC' },
      },
    ]);
    ({ connectionId } = await connectThroughApi(stack, { token, provider: 'google', email }));
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
    );
    // A deletion at the provider, synced: the event is cancelled in the database and must leave the feed.
    const gone = stack.google.listEvents(email).find((event) => event.title === 'Gone soon')!;
    stack.google.deleteEventAsProvider(email, gone.id);
    await call(stack, 'POST', `/v1/connections/${connectionId}/sync`, { token });
    await eventually(
      () => stack.deps.db.calendarEvent.findFirst({ where: { connectionId, title: 'Gone soon' } }),
      (row) => row?.status === 'cancelled',
      'deletion synced',
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function createFeed(body: Record<string, unknown>) {
    const created = await call(stack, 'POST', '/v1/feeds', { token, body });
    expect(created.status).toBe(201);
    return created.body as { feedId: string; url: string; visibility: string };
  }

  const fetchFeed = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

  it('serves a private feed whose parsed content matches the database', async () => {
    const feed = await createFeed({ connectionId, visibility: 'private' });
    expect(feed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/ical\/[A-Za-z0-9_-]{43}\.ics$/);
    const response = await fetchFeed(feed.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const root = parse(await response.text());
    expect(root.getFirstPropertyValue('x-wr-calname')).toBe(email);
    expect(
      root
        .getAllSubcomponents('vtimezone')
        .map((z) => z.getFirstPropertyValue('tzid'))
        .sort(),
    ).toEqual([NEW_YORK, BERLIN]);

    const rows = await stack.deps.db.calendarEvent.findMany({ where: { connectionId } });
    const master = rows.find((row) => row.eventKind === 'seriesMaster')!;
    const moved = rows.find((row) => row.eventKind === 'exception' && row.status !== 'cancelled')!;
    const cancelled = rows.find((row) => row.eventKind === 'exception' && row.status === 'cancelled')!;
    expect([master, moved, cancelled].every(Boolean)).toBe(true);

    // The series: master with RRULE and an EXDATE for the cancelled occurrence, the moved one as an override.
    const masterUid = master.iCalUid!;
    const seriesComponents = root.getAllSubcomponents('vevent').filter((c) => c.getFirstPropertyValue('uid') === masterUid);
    expect(seriesComponents).toHaveLength(2);
    const masterComponent = seriesComponents.find((c) => !c.hasProperty('recurrence-id'))!;
    expect(masterComponent.getFirstProperty('dtstart')!.getParameter('tzid')).toBe(BERLIN);
    expect(masterComponent.getFirstPropertyValue('summary')).toBe(master.title);
    expect(masterComponent.getFirstPropertyValue('description')).toBe(master.description);
    expect(masterComponent.getFirstPropertyValue('location')).toBe(master.location);
    const exdates = masterComponent.getAllProperties('exdate').map((p) => (p.getFirstValue() as ICAL.Time).toJSDate().toISOString());
    expect(exdates).toEqual([cancelled.originalStartAt!.toISOString()]);
    const override = seriesComponents.find((c) => c.hasProperty('recurrence-id'))!;
    expect((override.getFirstPropertyValue('recurrence-id') as ICAL.Time).toJSDate().toISOString()).toBe(
      moved.originalStartAt!.toISOString(),
    );
    expect((override.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(moved.startAt.toISOString());

    // Expanded by the parser: six weekly starts minus the cancelled one, the moved one at its new time, and
    // 09:00 Berlin wall time on both sides of the DST change (08:00Z in CET, 07:00Z in CEST).
    expect(occurrenceStarts(root, masterUid)).toEqual([
      { start: '2031-03-03T08:00:00.000Z', summary: 'Weekly sync' },
      { start: '2031-03-10T08:00:00.000Z', summary: 'Weekly sync' },
      { start: '2031-03-24T13:00:00.000Z', summary: 'Weekly sync (moved)' },
      { start: '2031-03-31T07:00:00.000Z', summary: 'Weekly sync' },
      { start: '2031-04-07T07:00:00.000Z', summary: 'Weekly sync' },
    ]);

    // All-day: DATE values equal to the stored dates (no UTC shift), exclusive end.
    const holidayRow = rows.find((row) => row.title === 'Company holiday')!;
    const holiday = root.getAllSubcomponents('vevent').find((c) => c.getFirstPropertyValue('summary') === 'Company holiday')!;
    const holidayStart = holiday.getFirstPropertyValue('dtstart') as ICAL.Time;
    const holidayEnd = holiday.getFirstPropertyValue('dtend') as ICAL.Time;
    expect(holidayStart.isDate).toBe(true);
    expect(holidayStart.toString()).toBe(holidayRow.startDate);
    expect(holidayEnd.toString()).toBe(holidayRow.endDate);

    // Another zone, with organizer and attendees' PARTSTAT as stored.
    const callRow = rows.find((row) => row.title === 'Call with New York')!;
    const callComponent = root.getAllSubcomponents('vevent').find((c) => c.getFirstPropertyValue('summary') === 'Call with New York')!;
    const callEvent = new ICAL.Event(callComponent);
    expect(callComponent.getFirstProperty('dtstart')!.getParameter('tzid')).toBe(NEW_YORK);
    expect(callEvent.startDate.toJSDate().toISOString()).toBe(callRow.startAt.toISOString());
    expect(callEvent.endDate.toJSDate().toISOString()).toBe(callRow.endAt.toISOString());
    expect(callComponent.getFirstPropertyValue('organizer')).toBe(`mailto:${callRow.organizerEmail}`);
    const stored = JSON.parse(callRow.attendees!) as Array<{ email: string; response: string; optional: boolean }>;
    const partstat: Record<string, string> = {
      accepted: 'ACCEPTED',
      declined: 'DECLINED',
      tentative: 'TENTATIVE',
      needsAction: 'NEEDS-ACTION',
    };
    const attendees = callComponent.getAllProperties('attendee').map((p) => ({
      email: String(p.getFirstValue()).replace(/^mailto:/i, ''),
      partstat: p.getParameter('partstat'),
      role: p.getParameter('role'),
    }));
    expect(attendees.sort((a, b) => a.email.localeCompare(b.email))).toEqual(
      stored.map((a) => ({ email: a.email, partstat: partstat[a.response], role: a.optional ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT' })),
    );

    // Cancelled events are not in the feed; every live row is (occurrences come from the RRULE).
    const summaries = root.getAllSubcomponents('vevent').map((c) => c.getFirstPropertyValue('summary'));
    expect(summaries).not.toContain('Gone soon');
    const live = rows.filter((row) => row.status !== 'cancelled' && row.eventKind !== 'occurrence');
    expect(root.getAllSubcomponents('vevent')).toHaveLength(live.length);
  });

  it('serves a public feed with busy blocks only: no titles, zones, rules or people', async () => {
    const feed = await createFeed({ visibility: 'public' });
    const response = await fetchFeed(feed.url);
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const secret of ['Weekly sync', 'Agenda', 'Room 4', 'New York', 'buyer@example.org', email, 'Company holiday', BERLIN]) {
      expect(text).not.toContain(secret);
    }
    for (const banned of ['VTIMEZONE', 'TZID', 'RRULE', 'EXDATE', 'RECURRENCE-ID']) expect(text).not.toContain(banned);
    const root = parse(text);
    const events = root.getAllSubcomponents('vevent');
    for (const event of events) {
      expect(event.getFirstPropertyValue('summary')).toBe('Busy');
      expect(event.getFirstPropertyValue('transp')).toBe('OPAQUE');
      for (const hidden of ['description', 'location', 'attendee', 'organizer', 'rrule']) expect(event.hasProperty(hidden)).toBe(false);
    }
    // The busy times themselves are intact: the series' occurrences as separate blocks (cancelled one out,
    // moved one at its new time), the all-day holiday by its dates, the call.
    const starts = events.map((event) => (event.getFirstPropertyValue('dtstart') as ICAL.Time).toString()).sort();
    expect(starts).toEqual(
      [
        '2031-03-03T08:00:00Z',
        '2031-03-10T08:00:00Z',
        '2031-03-24T13:00:00Z',
        '2031-03-31T07:00:00Z',
        '2031-04-02T14:30:00Z',
        '2031-04-07T07:00:00Z',
        '2031-05-01',
      ].sort(),
    );
  });

  it('renders only its window: events long past or far ahead stay out', async () => {
    const narrow = await startTestStack({ env: { ICAL_FEED_DAYS_BACK: '0', ICAL_FEED_DAYS_AHEAD: '30' } });
    try {
      const narrowToken = await tokenFor(narrow, 'acme', 'ivy');
      const soon = new Date(Math.floor(Date.now() / 86_400_000 + 3) * 86_400_000 + 9 * 3_600_000);
      narrow.google.ensureAccount(email);
      narrow.google.seedEvents(email, [
        {
          title: 'Soon',
          start: { kind: 'dateTime', dateTime: soon.toISOString(), timeZone: 'UTC' },
          end: { kind: 'dateTime', dateTime: new Date(soon.getTime() + 3_600_000).toISOString(), timeZone: 'UTC' },
        },
        {
          title: 'Far ahead',
          start: { kind: 'dateTime', dateTime: '2031-01-01T09:00:00.000Z', timeZone: 'UTC' },
          end: { kind: 'dateTime', dateTime: '2031-01-01T10:00:00.000Z', timeZone: 'UTC' },
        },
        {
          title: 'Long past',
          start: { kind: 'dateTime', dateTime: '2020-01-01T09:00:00.000Z', timeZone: 'UTC' },
          end: { kind: 'dateTime', dateTime: '2020-01-01T10:00:00.000Z', timeZone: 'UTC' },
        },
      ]);
      const connected = await connectThroughApi(narrow, { token: narrowToken, provider: 'google', email });
      await eventually(
        () => narrow.deps.db.calendarEvent.count({ where: { connectionId: connected.connectionId } }),
        (n) => n === 3,
        'synced',
      );
      const created = await call(narrow, 'POST', '/v1/feeds', { token: narrowToken, body: { visibility: 'private' } });
      const text = await (await fetch(created.body.url)).text();
      expect(text).toContain('Soon');
      expect(text).not.toContain('Far ahead');
      expect(text).not.toContain('Long past');
    } finally {
      await narrow.close();
    }
  });

  it('answers conditional requests with 304 and changes its ETag when the data changes', async () => {
    const feed = await createFeed({ connectionId, visibility: 'private' });
    const first = await fetchFeed(feed.url);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^".+"$/);
    expect(Number.isNaN(Date.parse(lastModified))).toBe(false);
    await first.text();

    const byTag = await fetchFeed(feed.url, { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(await byTag.text()).toBe('');
    const byDate = await fetchFeed(feed.url, { 'if-modified-since': lastModified });
    expect(byDate.status).toBe(304);
    const older = await fetchFeed(feed.url, { 'if-modified-since': new Date(Date.parse(lastModified) - 60_000).toUTCString() });
    expect(older.status).toBe(200);
    await older.text();
    const otherTag = await fetchFeed(feed.url, { 'if-none-match': '"something-else"' });
    expect(otherTag.status).toBe(200);
    await otherTag.text();

    // A change at the provider, synced: the old ETag no longer matches.
    const holiday = stack.google.listEvents(email).find((event) => event.title === 'Company holiday')!;
    stack.google.updateEventAsProvider(email, holiday.id, { title: 'Company holiday (2 days)' });
    await call(stack, 'POST', `/v1/connections/${connectionId}/sync`, { token });
    await eventually(
      () => stack.deps.db.calendarEvent.findFirst({ where: { connectionId, title: 'Company holiday (2 days)' } }),
      Boolean,
      'update synced',
    );
    const after = await fetchFeed(feed.url, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('Company holiday (2 days)');
  });

  it('lists feeds without URLs, revokes them (404 afterwards) and answers unknown tokens with 404', async () => {
    const feed = await createFeed({ visibility: 'private' });
    const listed = await call(stack, 'GET', '/v1/feeds', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.feeds.find((f: { feedId: string }) => f.feedId === feed.feedId)).toMatchObject({
      visibility: 'private',
      revokedAt: null,
      connectionId: null,
    });
    expect(listed.text).not.toContain(feed.url.split('/').pop()!.replace('.ics', ''));
    // Only the token's hash is stored.
    const stored = await stack.deps.db.calendarFeed.findUnique({ where: { id: feed.feedId } });
    expect(stored!.tokenHash).not.toContain(feed.url.split('/').pop()!.replace('.ics', ''));

    expect((await fetchFeed(feed.url)).status).toBe(200);
    const revoked = await call(stack, 'DELETE', `/v1/feeds/${feed.feedId}`, { token });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect((await fetchFeed(feed.url)).status).toBe(404);
    expect((await fetchFeed(`${stack.apiUrl}/v1/ical/${'A'.repeat(43)}.ics`)).status).toBe(404);
    expect((await fetchFeed(`${stack.apiUrl}/v1/ical/short.ics`)).status).toBe(404);

    // Someone else's feed cannot be revoked or seen, and another user's connection cannot be exported.
    const mallory = await tokenFor(stack, 'acme', 'mallory');
    expect((await call(stack, 'DELETE', `/v1/feeds/${feed.feedId}`, { token: mallory })).status).toBe(404);
    expect((await call(stack, 'GET', '/v1/feeds', { token: mallory })).body.feeds).toEqual([]);
    expect((await call(stack, 'POST', '/v1/feeds', { token: mallory, body: { connectionId, visibility: 'private' } })).status).toBe(404);
    expect((await call(stack, 'POST', '/v1/feeds', { token, body: { visibility: 'secret' } })).status).toBe(400);
  });

  it('downloads one event as .ics for its owner or view-all holders (without people for the latter)', async () => {
    const callRow = (await stack.deps.db.calendarEvent.findFirst({ where: { connectionId, title: 'Call with New York' } }))!;
    const own = await call(stack, 'GET', `/v1/events/${callRow.id}.ics`, { token });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const events = parse(own.text).getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    expect(new ICAL.Event(events[0]!).startDate.toJSDate().toISOString()).toBe(callRow.startAt.toISOString());
    expect(events[0]!.getAllProperties('attendee')).toHaveLength(3);

    const manager = await tokenFor(stack, 'acme', 'manager', [PERMISSIONS.view, PERMISSIONS.viewAll]);
    const viewed = await call(stack, 'GET', `/v1/events/${callRow.id}.ics`, { token: manager });
    expect(viewed.status).toBe(200);
    expect(viewed.text).not.toContain('buyer@example.org');
    const colleague = await tokenFor(stack, 'acme', 'colleague', [PERMISSIONS.view]);
    expect((await call(stack, 'GET', `/v1/events/${callRow.id}.ics`, { token: colleague })).status).toBe(404);
    const stranger = await tokenFor(stack, 'other-org', 'x');
    expect((await call(stack, 'GET', `/v1/events/${callRow.id}.ics`, { token: stranger })).status).toBe(404);

    // A series downloads with its override and EXDATE, and expands like the feed.
    const master = (await stack.deps.db.calendarEvent.findFirst({ where: { connectionId, eventKind: 'seriesMaster' } }))!;
    const series = await call(stack, 'GET', `/v1/events/${master.id}.ics`, { token });
    expect(occurrenceStarts(parse(series.text), master.iCalUid!).map((o) => o.start)).toHaveLength(5);
    const cancelled = (await stack.deps.db.calendarEvent.findFirst({ where: { connectionId, title: 'Gone soon' } }))!;
    expect((await call(stack, 'GET', `/v1/events/${cancelled.id}.ics`, { token })).status).toBe(404);
  });
});
