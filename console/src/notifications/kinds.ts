// What a notification is, in words, from its type (calendar.pre_meeting, connection.needs_reconnect, webhook_endpoint.disabled, ...).
// Pure, so it is unit tested (test/unit/console-logic.test.ts).
import type { AppNotification } from '../api/types';

export type NotificationKind = 'Reminder' | 'Connection alert' | 'Webhook alert' | 'Notice';

export function kindOf(notification: Pick<AppNotification, 'type'>): NotificationKind {
  const type = notification.type;
  if (type === 'calendar.pre_meeting' || type.startsWith('reminder.')) return 'Reminder';
  if (type.startsWith('connection.') || type.startsWith('calendar.')) return 'Connection alert';
  if (type.startsWith('webhook_endpoint.')) return 'Webhook alert';
  return 'Notice';
}

/** When it happened (delivered), or when it was due. */
export const whenOf = (notification: Pick<AppNotification, 'deliveredAt' | 'scheduledFor'>) =>
  notification.deliveredAt ?? notification.scheduledFor;

/** The badge's text: the API lists at most UNREAD_LIMIT at once, so more shows as "200+". */
export const UNREAD_LIMIT = 200;
export function unreadBadge(count: number): string | null {
  if (count <= 0) return null;
  return count >= UNREAD_LIMIT ? `${UNREAD_LIMIT}+` : String(count);
}
