// Push channels (Google watch channels / Graph subscriptions) as stored: only the hash of each channel's
// secret is kept.
import type { Db } from '../db/client';

export type PushChannelRow = Awaited<ReturnType<Db['pushChannel']['findMany']>>[number];

/** The calendar's active channels, newest expiry first. */
export function activeChannelsOfCalendar(db: Db, connectionId: string, externalCalendarId: string): Promise<PushChannelRow[]> {
  return db.pushChannel.findMany({ where: { connectionId, externalCalendarId, status: 'active' }, orderBy: { expiresAt: 'desc' } });
}

export function activeChannels(db: Db, connectionId: string): Promise<PushChannelRow[]> {
  return db.pushChannel.findMany({ where: { connectionId, status: 'active' } });
}

/** Active channels of calendars other than `calendarIds` (deselected, or gone at the provider). */
export function activeChannelsOutside(db: Db, connectionId: string, calendarIds: string[]): Promise<PushChannelRow[]> {
  return db.pushChannel.findMany({ where: { connectionId, status: 'active', externalCalendarId: { notIn: calendarIds } } });
}

/** The channel that expires first: the workflow renews before it does. */
export function earliestActiveChannel(db: Db, connectionId: string): Promise<PushChannelRow | null> {
  return db.pushChannel.findFirst({ where: { connectionId, status: 'active' }, orderBy: { expiresAt: 'asc' } });
}

export async function saveChannel(
  db: Db,
  channel: {
    connectionId: string;
    externalCalendarId: string;
    providerChannelId: string;
    resourceId: string | null;
    tokenHash: string;
    expiresAt: Date;
  },
): Promise<void> {
  await db.pushChannel.create({ data: channel });
}

/** A subscription renewed in place (same id, same secret) lives longer. */
export async function renewChannelExpiry(db: Db, channelRowId: string, expiresAt: Date): Promise<void> {
  await db.pushChannel.update({ where: { id: channelRowId }, data: { expiresAt } });
}

export async function markChannelStopped(db: Db, channelRowId: string): Promise<void> {
  await db.pushChannel.update({ where: { id: channelRowId }, data: { status: 'stopped', stoppedAt: new Date() } });
}

/** The channel a webhook names, with what is needed to check it (null: unknown). */
export function channelForNotification(db: Db, providerChannelId: string) {
  return db.pushChannel.findUnique({
    where: { providerChannelId: providerChannelId.slice(0, 256) },
    include: { connection: { select: { id: true, status: true, provider: true } } },
  });
}

/**
 * Google: a notification's X-Goog-Message-Number is accepted once, and only above the last accepted one (a
 * replay repeats an old number; a late one is covered by the sync the later number already asked for).
 */
export async function acceptMessageNumber(db: Db, channelRowId: string, messageNumber: number): Promise<boolean> {
  const { count } = await db.pushChannel.updateMany({
    where: { id: channelRowId, OR: [{ lastMessageNumber: null }, { lastMessageNumber: { lt: messageNumber } }] },
    data: { lastMessageNumber: messageNumber },
  });
  return count === 1;
}
