// Notifications: pre-meeting reminders and alerts (a connection, a webhook endpoint), newest first, each
// with "Mark as read". Unread ones stand out by a label, not by colour alone.
import { useRef, useState } from 'react';
import { ApiProblem } from '../api/client';
import type { AppNotification } from '../api/types';
import { formatDateTime, formatRelative } from '../ui/format';
import { LoadFailed, Loading, Notice } from '../ui/Notice';
import { kindOf, whenOf } from './kinds';
import { useMarkRead, useNotifications } from './queries';

export function NotificationsPage() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const notifications = useNotifications(unreadOnly);
  const heading = useRef<HTMLHeadingElement>(null);

  return (
    <>
      <h1>Notifications</h1>
      <div className="toolbar" role="group" aria-label="Show">
        <button type="button" aria-pressed={!unreadOnly} onClick={() => setUnreadOnly(false)}>
          All
        </button>
        <button type="button" aria-pressed={unreadOnly} onClick={() => setUnreadOnly(true)}>
          Unread
        </button>
      </div>
      <section aria-labelledby="notifications-heading" className="section">
        <h2 id="notifications-heading" ref={heading} tabIndex={-1}>
          {unreadOnly ? 'Unread notifications' : 'All notifications'}
        </h2>
        {notifications.isPending && <Loading what="notifications" />}
        {notifications.isError && (
          <LoadFailed what="notifications" error={notifications.error} retry={() => void notifications.refetch()} />
        )}
        {notifications.data?.length === 0 && (
          <p className="empty">
            {unreadOnly
              ? 'Nothing unread.'
              : 'No notifications yet. Reminders before your meetings and alerts about your calendars appear here.'}
          </p>
        )}
        {notifications.data && notifications.data.length > 0 && (
          <ul className="notification-list">
            {notifications.data.map((notification) => (
              <NotificationItem
                key={notification.id}
                notification={notification}
                onGone={unreadOnly ? () => heading.current?.focus() : undefined}
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** One notification. `onGone`: it leaves the list once read (the unread view), so focus goes elsewhere. */
function NotificationItem(props: { notification: AppNotification; onGone: (() => void) | undefined }) {
  const { notification } = props;
  const item = useRef<HTMLLIElement>(null);
  const markRead = useMarkRead();
  const unread = notification.readAt === null;
  const when = whenOf(notification);
  const titleId = `notification-${notification.id}`;
  return (
    <li ref={item} tabIndex={-1} className={unread ? 'card notification unread' : 'card notification'} aria-labelledby={titleId}>
      <div className="notification-head">
        <span className="tag">{kindOf(notification)}</span>
        {unread && <span className="tag tag-unread">Unread</span>}
        <time className="muted" dateTime={when} title={formatDateTime(when)}>
          {formatRelative(when)}
        </time>
      </div>
      <h3 id={titleId}>{notification.title}</h3>
      {notification.body && <p>{notification.body}</p>}
      {markRead.error && (
        <Notice kind="error">{markRead.error instanceof ApiProblem ? markRead.error.message : 'That did not work. Try again.'}</Notice>
      )}
      {unread && (
        <div className="actions">
          <button
            type="button"
            disabled={markRead.isPending}
            aria-describedby={titleId}
            onClick={() =>
              markRead.mutate(notification.id, {
                // The button goes away: keep the keyboard user's place.
                onSuccess: () => (props.onGone ? props.onGone() : item.current?.focus()),
              })
            }
          >
            {markRead.isPending ? 'Marking…' : 'Mark as read'}
          </button>
        </div>
      )}
    </li>
  );
}
