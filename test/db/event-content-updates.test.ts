// A page's content updates are one statement that sets only the columns some row changes (data/bulk-writes.ts).
// On SQLite and PostgreSQL: every row gets its own new values, columns no row changed keep each row's own
// value, values can become null and booleans flip, and timestamps keep their milliseconds.
import { updateEventContents } from '../../data/bulk-writes';
import { countSyncedEvents, type EventRowModel } from '../../data/events';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/database';

const HOUR = 3_600_000;

describe.each(testProviders())('event content updates on %s', (provider) => {
  let t: TestDatabase;
  let rows: EventRowModel[];
  const start = new Date('2026-12-01T09:00:00.123Z');

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    await t.db.organization.create({ data: { id: 'acme', name: 'Acme', settings: { create: {} } } });
    const connection = await t.db.calendarConnection.create({
      data: { organizationId: 'acme', userId: 'ada', provider: 'google', externalAccountEmail: 'ada@example.com' },
    });
    rows = [];
    for (const n of [0, 1, 2]) {
      rows.push(
        await t.db.calendarEvent.create({
          data: {
            organizationId: 'acme',
            connectionId: connection.id,
            externalCalendarId: 'primary',
            externalEventId: `event-${n}`,
            contentHash: `hash-${n}`,
            syncDirection: 'inbound',
            status: 'confirmed',
            title: `Title ${n}`,
            location: `Room ${n}`,
            startAt: new Date(start.getTime() + n * HOUR),
            endAt: new Date(start.getTime() + n * HOUR + HOUR / 2),
            // The third is cancelled: a page may bring it back.
            ...(n === 2 ? { status: 'cancelled' } : {}),
          },
        }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('gives each row its own new values and leaves what no row changed as each row had it', async () => {
    const now = new Date('2026-12-02T10:11:12.345Z');
    const [first, second, third] = rows as [EventRowModel, EventRowModel, EventRowModel];
    const changes = [
      { before: first, after: { ...first, title: 'Renamed', location: null, updatedAt: now, lastSyncedAt: now } },
      {
        before: second,
        after: { ...second, startAt: new Date(second.startAt.getTime() + HOUR), isPrivate: true, updatedAt: now, lastSyncedAt: now },
      },
      { before: third, after: { ...third, status: 'confirmed', updatedAt: now, lastSyncedAt: now } },
    ];
    const liveBefore = await countSyncedEvents(t.db, first.connectionId);

    await updateEventContents(t.db, t.db.provider, changes);

    const stored = await t.db.calendarEvent.findMany({ orderBy: { externalEventId: 'asc' } });
    const fields = (row: EventRowModel) => ({
      title: row.title,
      location: row.location,
      status: row.status,
      startAt: row.startAt.toISOString(),
      endAt: row.endAt.toISOString(),
      isPrivate: row.isPrivate,
      updatedAt: row.updatedAt.toISOString(),
    });
    expect(stored.map(fields)).toEqual([
      { ...fields(first), title: 'Renamed', location: null, updatedAt: now.toISOString() },
      {
        ...fields(second),
        startAt: new Date(second.startAt.getTime() + HOUR).toISOString(),
        isPrivate: true,
        updatedAt: now.toISOString(),
      },
      { ...fields(third), status: 'confirmed', updatedAt: now.toISOString() },
    ]);
    // The live count (answered from an index) sees the event that came back.
    expect(liveBefore).toBe(2);
    expect(await countSyncedEvents(t.db, first.connectionId)).toBe(3);
  });
});
