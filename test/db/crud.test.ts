// The model's constraints through the Prisma client, on SQLite and PostgreSQL: defaults, the unique keys
// the sync relies on for idempotency, cascades. Plus the SQLite connection settings.
import Database from 'better-sqlite3';
import { resolveDatabaseUrl } from '../../db/database-url';
import { isUniqueViolation } from '../../db/errors';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/database';

async function expectUniqueViolation(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => new Error('expected a unique-constraint violation, the write succeeded'),
    (e: unknown) => e,
  );
  if (!isUniqueViolation(error)) throw error;
}

describe.each(testProviders())('database model on %s', (provider) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  test('the client reports its provider', () => {
    expect(t.db.provider).toBe(provider);
  });

  test('organization with default settings 30/15/15', async () => {
    await t.db.organization.create({ data: { id: 'acme', name: 'Acme', settings: { create: {} } } });
    const settings = await t.db.moduleSettings.findUniqueOrThrow({ where: { organizationId: 'acme' } });
    expect(settings).toMatchObject({
      defaultMeetingDurationMinutes: 30,
      syncPollIntervalMinutes: 15,
      preMeetingNotificationMinutes: 15,
      updatedBy: null,
    });
    expect(settings.updatedAt).toBeInstanceOf(Date);
  });

  test('one live connection per (organization, provider, account); the address is no key', async () => {
    await t.db.organization.create({ data: { id: 'org-conn' } });
    const key = 'org-conn|google|subject-1';
    const data = { organizationId: 'org-conn', userId: 'u1', provider: 'google', externalAccountEmail: 'a@example.test' };
    const first = await t.db.calendarConnection.create({ data: { ...data, externalAccountId: 'subject-1', liveAccountKey: key } });
    expect(first).toMatchObject({ status: 'active', migrationRequired: false });
    await expectUniqueViolation(t.db.calendarConnection.create({ data: { ...data, userId: 'u2', liveAccountKey: key } }));
    // The same address of another account (another subject) is another connection; so is a disconnected one.
    await t.db.calendarConnection.create({
      data: { ...data, externalAccountId: 'subject-2', liveAccountKey: 'org-conn|google|subject-2' },
    });
    await t.db.calendarConnection.create({ data: { ...data, userId: 'u2', status: 'disconnected', liveAccountKey: null } });
    expect(await t.db.calendarConnection.count({ where: { externalAccountEmail: 'a@example.test' } })).toBe(3);
  });

  test('one event row per (connection, calendar, provider event id)', async () => {
    await t.db.organization.create({ data: { id: 'org-ev' } });
    const connection = await t.db.calendarConnection.create({
      data: { organizationId: 'org-ev', userId: 'u1', provider: 'google', externalAccountEmail: 'ev@example.test' },
    });
    const event = {
      organizationId: 'org-ev',
      connectionId: connection.id,
      externalCalendarId: 'primary',
      externalEventId: 'evt-1',
      contentHash: 'h1',
      syncDirection: 'inbound',
      status: 'confirmed',
      startAt: new Date('2030-01-01T10:00:00Z'),
      endAt: new Date('2030-01-01T10:30:00Z'),
    };
    const stored = await t.db.calendarEvent.create({ data: event });
    expect(stored).toMatchObject({ allDay: false, eventKind: 'single', startAt: event.startAt });
    await expectUniqueViolation(t.db.calendarEvent.create({ data: { ...event, contentHash: 'h2' } }));
    // An upsert on that key is how the sync stays idempotent.
    await t.db.calendarEvent.upsert({
      where: {
        connectionId_externalCalendarId_externalEventId: {
          connectionId: connection.id,
          externalCalendarId: 'primary',
          externalEventId: 'evt-1',
        },
      },
      create: event,
      update: { contentHash: 'h3' },
    });
    const rows = await t.db.calendarEvent.findMany({ where: { connectionId: connection.id } });
    expect(rows.map((r) => r.contentHash)).toEqual(['h3']);
  });

  test('notification dedupe_key is unique', async () => {
    await t.db.organization.create({ data: { id: 'org-n' } });
    const notification = {
      organizationId: 'org-n',
      userId: 'u1',
      type: 'calendar.pre_meeting',
      dedupeKey: 'evt-1@2030-01-01T10:00:00.000Z',
      title: 'Meeting soon',
      scheduledFor: new Date('2030-01-01T09:45:00Z'),
    };
    await t.db.notification.create({ data: notification });
    await expectUniqueViolation(t.db.notification.create({ data: { ...notification, title: 'again' } }));
    expect(await t.db.notification.count({ where: { dedupeKey: notification.dedupeKey } })).toBe(1);
  });

  test('bytes round-trip and deleting an organization cascades', async () => {
    await t.db.organization.create({ data: { id: 'org-del', settings: { create: {} } } });
    const bytes = Uint8Array.from([0, 1, 2, 254, 255]);
    const credential = await t.db.credential.create({
      data: {
        organizationId: 'org-del',
        kind: 'refresh_token',
        keyId: 'k',
        wrappedKey: bytes,
        ciphertext: bytes,
        iv: bytes,
        authTag: bytes,
      },
    });
    expect(Buffer.from(credential.ciphertext)).toEqual(Buffer.from(bytes));
    await t.db.organization.delete({ where: { id: 'org-del' } });
    expect(await t.db.moduleSettings.findUnique({ where: { organizationId: 'org-del' } })).toBeNull();
    expect(await t.db.credential.findUnique({ where: { id: credential.id } })).toBeNull();
  });
});

test('SQLite connections use WAL and foreign keys', async () => {
  const t = await createTestDatabase({ provider: 'sqlite' });
  try {
    const [mode] = await t.db.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode');
    const [fk] = await t.db.$queryRawUnsafe<Array<{ foreign_keys: bigint | number }>>('PRAGMA foreign_keys');
    expect(mode?.journal_mode).toBe('wal');
    expect(Number(fk?.foreign_keys)).toBe(1);
  } finally {
    await t.cleanup();
  }
});

test("a SQLite write waits for another process's write lock without stopping this process", async () => {
  const t = await createTestDatabase({ provider: 'sqlite' });
  // Another process's connection (the worker's, say) holding the write lock.
  const target = resolveDatabaseUrl(t.url);
  if (target.provider !== 'sqlite') throw new Error('expected a SQLite database');
  const other = new Database(target.filePath);
  let release: NodeJS.Timeout | undefined;
  try {
    other.exec('BEGIN IMMEDIATE');
    // Released by this process's event loop: a write that blocked the loop while it waited would never see it.
    const released = new Promise<void>((resolve) => {
      release = setTimeout(() => {
        other.exec('COMMIT');
        resolve();
      }, 300);
    });
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 20);
    const single = t.db.organization.create({ data: { id: 'while-locked' } });
    const inTransaction = t.db.$transaction((tx) => tx.organization.create({ data: { id: 'while-locked-too' } }));
    await Promise.all([single, inTransaction, released]);
    clearInterval(ticker);
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(await t.db.organization.count({ where: { id: { startsWith: 'while-locked' } } })).toBe(2);
  } finally {
    clearTimeout(release);
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    await t.cleanup();
  }
});
