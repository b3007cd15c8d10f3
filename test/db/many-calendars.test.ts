// A person with more selected calendars than one SQL statement can name: Prisma binds each (connection,
// calendar) pair of the event filter and never splits an OR, and SQLite takes at most 999 values per
// statement. Six connections with 100 selected calendars each (the most a connection may select) answer
// free/busy and the feed's event filter in full, on SQLite and PostgreSQL.
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
});
