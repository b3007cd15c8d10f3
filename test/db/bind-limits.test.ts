// Lists longer than one SQL statement can bind: Prisma binds every value of an `in` or OR list, splits only
// a plain findMany's largest `in`, and SQLite takes at most 999 values per statement. On SQLite and
// PostgreSQL: six connections with 100 selected calendars each (the most a connection may select) answer
// free/busy and the feed's event filter in full; a person holding 1,000 connections reads the change feed.
import { CONNECTION_IDS_PER_QUERY, changesAfter } from '../../data/outbox';
import { CALENDARS_PER_QUERY, selectedEventsWhere } from '../../services/ical-feeds';
import { syncedBusyOf } from '../../services/synced-freebusy';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/database';

const CONNECTIONS = 6;
const CALENDARS_EACH = 100;
const HOUR = 3_600_000;

describe.each(testProviders())('many selected calendars on %s', (provider) => {
  let t: TestDatabase;
  const connectionIds: string[] = [];
  const now = new Date();
  const window = { from: new Date(now.getTime() + 24 * HOUR), to: new Date(now.getTime() + 8 * 24 * HOUR) };

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    await t.db.organization.create({ data: { id: 'rooms', name: 'Rooms', settings: { create: {} } } });
    for (let c = 0; c < CONNECTIONS; c++) {
      const connection = await t.db.calendarConnection.create({
        data: { organizationId: 'rooms', userId: 'facilities', provider: 'google', externalAccountEmail: `rooms-${c}@example.com` },
      });
      connectionIds.push(connection.id);
      await t.db.connectionCalendar.createMany({
        data: Array.from({ length: CALENDARS_EACH }, (_, n) => ({
          connectionId: connection.id,
          externalCalendarId: `room-${n}`,
          name: `Room ${n}`,
          syncEnabled: true,
          lastSyncAt: now,
        })),
      });
      await t.db.calendarEvent.createMany({
        data: Array.from({ length: CALENDARS_EACH }, (_, n) => ({
          organizationId: 'rooms',
          connectionId: connection.id,
          externalCalendarId: `room-${n}`,
          externalEventId: `booking-${n}`,
          contentHash: `hash-${n}`,
          syncDirection: 'inbound',
          status: 'confirmed',
          // One hour each, a day apart per connection, an hour apart per room: no two overlap.
          startAt: new Date(window.from.getTime() + c * 24 * HOUR + n * 2 * 60_000),
          endAt: new Date(window.from.getTime() + c * 24 * HOUR + n * 2 * 60_000 + 60_000),
        })),
      });
    }
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('splits the event filter into statements SQLite can take, covering every selected calendar', async () => {
    const { wheres } = await selectedEventsWhere(t.db, 'rooms', connectionIds, window);
    expect(wheres).toHaveLength(Math.ceil((CONNECTIONS * CALENDARS_EACH) / CALENDARS_PER_QUERY));
    const counts = await Promise.all(wheres.map((where) => t.db.calendarEvent.count({ where })));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(CONNECTIONS * CALENDARS_EACH);
  });

  it('answers free/busy for every connection with every booking', async () => {
    const answers = await syncedBusyOf(t.db, 'rooms', connectionIds, window, now);
    expect(connectionIds.map((id) => [answers.get(id)?.freshness.fresh, answers.get(id)?.busy?.length])).toEqual(
      connectionIds.map(() => [true, CALENDARS_EACH]),
    );
  });

  it('leaves out a calendar one connection deselected while another selects a calendar of the same id', async () => {
    // Every connection has a `room-7`: the statements ask by connection and calendar id lists, a superset.
    await t.db.connectionCalendar.updateMany({
      where: { connectionId: connectionIds[0], externalCalendarId: 'room-7' },
      data: { syncEnabled: false },
    });
    const answers = await syncedBusyOf(t.db, 'rooms', connectionIds, window, now);
    expect(connectionIds.map((id) => answers.get(id)?.busy?.length)).toEqual(
      connectionIds.map((_, index) => (index === 0 ? CALENDARS_EACH - 1 : CALENDARS_EACH)),
    );
  });
});

describe.each(testProviders())('a person with many connections on %s', (provider) => {
  let t: TestDatabase;
  const COUNT = 1000;
  const mine: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    await t.db.organization.create({ data: { id: 'big', name: 'Big', settings: { create: {} } } });
    await t.db.calendarConnection.createMany({
      data: Array.from({ length: COUNT }, (_, n) => ({
        id: `mailbox-${String(n).padStart(4, '0')}`,
        organizationId: 'big',
        userId: 'facilities',
        provider: 'google',
        externalAccountEmail: `mailbox-${n}@example.com`,
      })),
    });
    mine.push(...Array.from({ length: COUNT }, (_, n) => `mailbox-${String(n).padStart(4, '0')}`));
    await t.db.calendarConnection.create({
      data: { id: 'someone-else', organizationId: 'big', userId: 'bob', provider: 'google', externalAccountEmail: 'bob@example.com' },
    });
    // Each of the person's connections has a change, interleaved with someone else's; one more is addressed to them.
    const rows: Array<{ organizationId: string; connectionId: string | null; userId: string | null; type: string; data: string }> = [];
    for (const connectionId of mine) {
      rows.push({ organizationId: 'big', connectionId, userId: null, type: 'event.created', data: '{}' });
      rows.push({ organizationId: 'big', connectionId: 'someone-else', userId: null, type: 'event.created', data: '{}' });
    }
    rows.push({ organizationId: 'big', connectionId: null, userId: 'facilities', type: 'notification.created', data: '{}' });
    await t.db.outboxEvent.createMany({ data: rows });
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('reads every change of theirs, and only theirs, page by page in sequence order', async () => {
    expect(mine.length).toBeGreaterThan(CONNECTION_IDS_PER_QUERY);
    const seen: Array<{ sequence: number; connectionId: string | null }> = [];
    for (let after = 0; ;) {
      const page = await changesAfter(t.db, {
        organizationId: 'big',
        after,
        limit: 300,
        visibleTo: { userId: 'facilities', connectionIds: mine },
      });
      if (page.length === 0) break;
      seen.push(...page.map((row) => ({ sequence: row.sequence, connectionId: row.connectionId })));
      after = page[page.length - 1]!.sequence;
    }
    expect(seen.map((row) => row.sequence)).toEqual([...seen.map((row) => row.sequence)].sort((a, b) => a - b));
    expect(seen).toHaveLength(COUNT + 1);
    expect(new Set(seen.map((row) => row.connectionId))).toEqual(new Set([...mine, null]));
  });
});
