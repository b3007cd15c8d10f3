// What the cleanup workflow removes (workflows/cleanup), in short batches so no transaction holds locks for
// long: rate-limit counters an hour after their window; OAuth states once expired or used; feeds a week
// after they were revoked (their URLs already answer 404); idempotency keys and stopped push channels after
// a week; and a disconnected connection's synced data (events with their attendee lists, change history and
// conflicts; its calendars and push channels) once DISCONNECTED_DATA_RETENTION_DAYS have passed. The
// connection row stays, as the record of who connected what and when it ended; the CRM's activities stay
// (they are the CRM's, only unlinked). The change stream and the webhook delivery log are kept
// CHANGE_STREAM_RETENTION_DAYS (30): how far back the change feed can be read and deliveries retried.
import type { ServiceDependencies } from './dependencies';

const DAY_MS = 86_400_000;
/** Revoked feeds, used idempotency keys and stopped channels are kept this long (for listings and retries). */
export const SHORT_RETENTION_DAYS = 7;
/** Events deleted per statement: each batch is one short transaction. */
const EVENT_BATCH = 500;

export interface CleanupReport {
  rateLimitCounters: number;
  oauthStates: number;
  feeds: number;
  idempotencyKeys: number;
  pushChannels: number;
  /** Disconnected connections whose synced data was deleted in this run. */
  connections: number;
  events: number;
  /** Change stream entries and webhook delivery records past CHANGE_STREAM_RETENTION_DAYS. */
  changes: number;
  webhookDeliveries: number;
}

export async function cleanUpExpiredData(
  { db, config, logger }: Pick<ServiceDependencies, 'db' | 'config' | 'logger'>,
  now = new Date(),
): Promise<CleanupReport> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const shortly = before(SHORT_RETENTION_DAYS);
  const rateLimitCounters = await db.rateLimitBucket.deleteMany({ where: { expire: { lt: before(1 / 24) } } });
  const oauthStates = await db.oAuthState.deleteMany({ where: { OR: [{ expiresAt: { lt: now } }, { consumedAt: { not: null } }] } });
  const feeds = await db.calendarFeed.deleteMany({ where: { revokedAt: { lt: shortly } } });
  const idempotencyKeys = await db.idempotencyKey.deleteMany({ where: { createdAt: { lt: shortly } } });
  const pushChannels = await db.pushChannel.deleteMany({ where: { status: { not: 'active' }, stoppedAt: { lt: shortly } } });

  const expired = await db.calendarConnection.findMany({
    where: { status: 'disconnected', disconnectedAt: { lt: before(config.DISCONNECTED_DATA_RETENTION_DAYS) } },
    select: { id: true },
  });
  let connections = 0;
  let events = 0;
  for (const { id: connectionId } of expired) {
    let purged = 0;
    // Changes and conflicts go with their events (ON DELETE CASCADE).
    for (;;) {
      const batch = await db.calendarEvent.findMany({ where: { connectionId }, select: { id: true }, take: EVENT_BATCH });
      if (batch.length === 0) break;
      purged += (await db.calendarEvent.deleteMany({ where: { id: { in: batch.map((row) => row.id) } } })).count;
    }
    const calendars = await db.connectionCalendar.deleteMany({ where: { connectionId } });
    await db.pushChannel.deleteMany({ where: { connectionId } });
    if (purged > 0 || calendars.count > 0) connections += 1;
    events += purged;
  }
  const streamCutoff = before(config.CHANGE_STREAM_RETENTION_DAYS);
  let webhookDeliveries = 0;
  for (;;) {
    const batch = await db.webhookDelivery.findMany({
      where: { createdAt: { lt: streamCutoff } },
      select: { id: true },
      take: EVENT_BATCH,
    });
    if (batch.length === 0) break;
    webhookDeliveries += (await db.webhookDelivery.deleteMany({ where: { id: { in: batch.map((row) => row.id) } } })).count;
  }
  let changes = 0;
  for (;;) {
    const batch = await db.outboxEvent.findMany({
      where: { occurredAt: { lt: streamCutoff } },
      select: { sequence: true },
      take: EVENT_BATCH,
    });
    if (batch.length === 0) break;
    changes += (await db.outboxEvent.deleteMany({ where: { sequence: { in: batch.map((row) => row.sequence) } } })).count;
  }
  const report = {
    rateLimitCounters: rateLimitCounters.count,
    oauthStates: oauthStates.count,
    feeds: feeds.count,
    idempotencyKeys: idempotencyKeys.count,
    pushChannels: pushChannels.count,
    connections,
    events,
    changes,
    webhookDeliveries,
  };
  logger.info(report, 'cleanup done');
  return report;
}
