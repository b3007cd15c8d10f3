// The activity timeline (CE-04): CRM activities newest first, each linked calendar event badged with the
// CalendarActivityIndicator. Meetings scheduled here appear at once.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { Activity, CalendarEvent } from '../api/types';
import { EventDetails } from '../events/EventDetails';
import { useSession } from '../session/permissions';
import { formatDateTime, formatTime } from '../ui/format';
import { LoadFailed, Loading, Notice } from '../ui/Notice';
import { CalendarActivityIndicator } from './CalendarActivityIndicator';

export function ActivityPage(props: { onSchedule?: () => void }) {
  const { me, can } = useSession();
  const [scope, setScope] = useState<'mine' | 'org'>('mine');
  const [opened, setOpened] = useState<CalendarEvent | null>(null);
  const [openFailed, setOpenFailed] = useState<string | null>(null);
  const activities = useQuery({
    queryKey: ['activities', scope],
    queryFn: () =>
      api<{ activities: Activity[] }>(
        'GET',
        `/v1/activities?limit=200${scope === 'mine' ? `&userId=${encodeURIComponent(me.userId)}` : ''}`,
      ).then((answer) => answer.activities),
    refetchInterval: 15_000,
  });
  const open = async (link: NonNullable<Activity['calendarEvent']>) => {
    setOpenFailed(null);
    try {
      setOpened(await api<CalendarEvent>('GET', `/v1/connections/${link.connectionId}/events/${link.eventId}`));
    } catch (error) {
      setOpenFailed(error instanceof Error ? error.message : 'The event could not be opened.');
    }
  };

  return (
    <>
      <div className="page-head">
        <h1>Activity</h1>
        {props.onSchedule && (
          <button type="button" className="primary" onClick={props.onSchedule}>
            Schedule meeting
          </button>
        )}
      </div>
      {can('viewAll') && (
        <div className="segmented" role="group" aria-label="Whose activities">
          <button type="button" aria-pressed={scope === 'mine'} onClick={() => setScope('mine')}>
            Mine
          </button>
          <button type="button" aria-pressed={scope === 'org'} onClick={() => setScope('org')}>
            Whole organization
          </button>
        </div>
      )}
      {openFailed && (
        <Notice kind="error" onDismiss={() => setOpenFailed(null)}>
          {openFailed}
        </Notice>
      )}
      {activities.isPending && <Loading what="activities" />}
      {activities.isError && <LoadFailed what="activities" error={activities.error} retry={() => void activities.refetch()} />}
      {activities.data?.length === 0 && <p className="empty">No activities yet. Meetings scheduled from the CRM appear here.</p>}
      {activities.data && activities.data.length > 0 && (
        <ol className="timeline">
          {activities.data.map((activity) => (
            <li key={activity.id} className={`timeline-item status-${activity.status}`}>
              <div className="timeline-when">
                <time dateTime={activity.start}>{formatDateTime(activity.start)}</time>–{formatTime(activity.end)}
              </div>
              <div className="timeline-body">
                <span className="tag">{activity.type === 'meeting' ? 'Meeting' : activity.type}</span> <strong>{activity.subject}</strong>
                {activity.status !== 'scheduled' && <span className="muted"> · {activity.status}</span>}
                {scope === 'org' && <span className="muted"> · {activity.ownerUserId}</span>}
              </div>
              {activity.calendarEvent && (
                <CalendarActivityIndicator link={activity.calendarEvent} onOpen={() => void open(activity.calendarEvent!)} />
              )}
            </li>
          ))}
        </ol>
      )}
      {opened && <EventDetails event={opened} onClose={() => setOpened(null)} />}
    </>
  );
}
