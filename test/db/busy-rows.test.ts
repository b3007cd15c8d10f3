// The free/busy read (data/busy-rows.ts, one plain statement) and the busy feeds' condition
// (rowsTouchingWindow, Prisma's model API) select the same rows, with the same values, on SQLite and
// PostgreSQL: every case the condition distinguishes, just inside and just outside the window's edges.
import { busyRowsTouching } from '../../data/busy-rows';
import { rowsTouchingWindow } from '../../services/ical-feeds';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/database';

const HOUR = 3_600_000;
const from = new Date('2026-12-07T00:00:00.000Z');
const to = new Date('2026-12-14T00:00:00.000Z');
const at = (date: Date, hours: number) => new Date(date.getTime() + hours * HOUR);

/** external id -> what the row is; `touches`: whether it belongs in the window's answer. */
const CASES = [
  { id: 'inside', touches: true, startAt: at(from, 10), endAt: at(from, 11) },
  { id: 'overlaps-start', touches: true, startAt: at(from, -1), endAt: at(from, 1) },
  { id: 'overlaps-end', touches: true, startAt: at(to, -1), endAt: at(to, 1) },
  { id: 'ends-at-start', touches: false, startAt: at(from, -1), endAt: from },
  { id: 'starts-at-end', touches: false, startAt: to, endAt: at(to, 1) },
  { id: 'before', touches: false, startAt: at(from, -30), endAt: at(from, -29) },
  { id: 'cancelled', touches: false, startAt: at(from, 5), endAt: at(from, 6), status: 'cancelled' },
  {
    id: 'series-before',
    touches: true,
    startAt: at(from, -24 * 30),
    endAt: at(from, -24 * 30 + 1),
    eventKind: 'seriesMaster',
    recurrence: '["RRULE:FREQ=DAILY"]',
    timeZone: 'Europe/Berlin',
  },
  {
    id: 'series-after',
    touches: false,
    startAt: at(to, 2),
    endAt: at(to, 3),
    eventKind: 'seriesMaster',
    recurrence: '["RRULE:FREQ=DAILY"]',
  },
  {
    id: 'cancelled-occurrence',
    touches: true,
    startAt: at(from, 30),
    endAt: at(from, 31),
    status: 'cancelled',
    eventKind: 'occurrence',
    seriesMasterExternalId: 'series-before',
    originalStartAt: at(from, 30),
  },
  {
    id: 'occurrence-moved-out',
    touches: true,
    startAt: at(to, 48),
    endAt: at(to, 49),
    eventKind: 'occurrence',
    seriesMasterExternalId: 'series-before',
    originalStartAt: at(from, 54),
  },
  {
    id: 'all-day',
    touches: true,
    startAt: at(from, 24),
    endAt: at(from, 48),
    allDay: true,
    startDate: '2026-12-08',
    endDate: '2026-12-09',
  },
  { id: 'free', touches: true, startAt: at(from, 12), endAt: at(from, 13), showAs: 'free' },
];

describe.each(testProviders())('the free/busy read on %s', (provider) => {
  let t: TestDatabase;
  let connectionId: string;
  let otherConnectionId: string;

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    await t.db.organization.create({ data: { id: 'acme', name: 'Acme', settings: { create: {} } } });
    const connection = await t.db.calendarConnection.create({
      data: { organizationId: 'acme', userId: 'ann', provider: 'google', externalAccountEmail: 'ann@example.com' },
    });
    const other = await t.db.calendarConnection.create({
      data: { organizationId: 'acme', userId: 'bob', provider: 'google', externalAccountEmail: 'bob@example.com' },
    });
    connectionId = connection.id;
    otherConnectionId = other.id;
    const rows = (connection: string, calendar: string) =>
      CASES.map(({ id, touches: _touches, ...fields }) => ({
        organizationId: 'acme',
        connectionId: connection,
        externalCalendarId: calendar,
        externalEventId: id,
        contentHash: `hash-${id}`,
        syncDirection: 'inbound',
        status: 'confirmed',
        ...fields,
      }));
    await t.db.calendarEvent.createMany({ data: [...rows(connection.id, 'primary'), ...rows(other.id, 'team')] });
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('selects exactly the rows the busy feeds select, with the same values', async () => {
    const window = { from, to };
    const calendars = { connectionIds: [connectionId, otherConnectionId], externalCalendarIds: ['primary', 'team'] };
    const raw = await busyRowsTouching(t.db, calendars, window);
    const viaModels = await t.db.calendarEvent.findMany({
      where: {
        connectionId: { in: calendars.connectionIds },
        externalCalendarId: { in: calendars.externalCalendarIds },
        AND: rowsTouchingWindow(window),
      },
    });
    const key = (row: { connectionId: string; externalEventId: string }) => `${row.connectionId}/${row.externalEventId}`;
    const expected = CASES.filter((c) => c.touches).map((c) => c.id);
    expect(
      raw
        .filter((row) => row.connectionId === connectionId)
        .map((row) => row.externalEventId)
        .sort(),
    ).toEqual(expected.sort());
    expect(raw.map(key).sort()).toEqual(viaModels.map(key).sort());
    const modelByKey = new Map(viaModels.map((row) => [key(row), row]));
    for (const row of raw) {
      const model = modelByKey.get(key(row))!;
      for (const [field, value] of Object.entries(row)) {
        expect({ field, value }).toEqual({ field, value: model[field as keyof typeof model] });
      }
    }
  });

  it('asks nothing of the database for an empty selection', async () => {
    await expect(busyRowsTouching(t.db, { connectionIds: [], externalCalendarIds: ['primary'] }, { from, to })).resolves.toEqual([]);
  });
});
