// Synced events by day or by week, the user's own, or the organization's with view-all. The day, the view
// and the scope live in the address (?view=week&day=2026-12-01&scope=org), so a view can be shared and the
// back button works.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { CalendarEvent, EventPage } from '../api/types';
import { useSession } from '../session/permissions';
import { addDays, formatDay, formatTime, startOfDay, startOfWeek, toLocalInput } from '../ui/format';
import { LoadFailed, Loading, Notice } from '../ui/Notice';
import { EventDetails } from './EventDetails';

/** Pages fetched for one view at most (500 events each): a view is bounded, like every API call. */
const MAX_PAGES = 4;

async function fetchWindow(from: Date, to: Date, userId: string | null): Promise<{ events: CalendarEvent[]; truncated: boolean }> {
  const events: CalendarEvent[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), limit: '500' });
    if (userId) query.set('userId', userId);
    if (cursor) query.set('cursor', cursor);
    const answer: EventPage = await api<EventPage>('GET', `/v1/events?${query.toString()}`);
    events.push(...answer.events);
    cursor = answer.nextCursor;
    if (!cursor) return { events, truncated: false };
  }
  return { events, truncated: true };
}

function parseDay(value: string | null): Date {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : startOfDay(new Date());
}

export function EventsPage(props: { onSchedule?: () => void }) {
  const { me, can } = useSession();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'week' ? 'week' : 'day';
  const scope = can('viewAll') && params.get('scope') === 'org' ? 'org' : 'mine';
  const day = parseDay(params.get('day'));
  const from = view === 'week' ? startOfWeek(day) : day;
  const to = addDays(from, view === 'week' ? 7 : 1);
  const [selected, setSelected] = useState<CalendarEvent | null>(null);

  const events = useQuery({
    queryKey: ['events', from.toISOString(), view, scope],
    queryFn: () => fetchWindow(from, to, scope === 'org' ? null : me.userId),
    refetchInterval: 15_000,
  });

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    setParams(next);
  };
  const dayKey = (date: Date) => toLocalInput(date).slice(0, 10);
  const step = view === 'week' ? 7 : 1;
  const days = Array.from({ length: view === 'week' ? 7 : 1 }, (_, index) => addDays(from, index));
  const title = view === 'week' ? `Week of ${formatDay(from)}` : formatDay(day);

  return (
    <>
      <div className="page-head">
        <h1>Events</h1>
        {props.onSchedule && (
          <button type="button" className="primary" onClick={props.onSchedule}>
            Schedule meeting
          </button>
        )}
      </div>
      <div className="toolbar" role="toolbar" aria-label="Choose the days shown">
        <div className="segmented" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'day'} onClick={() => go({ view: 'day' })}>
            Day
          </button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => go({ view: 'week' })}>
            Week
          </button>
        </div>
        <button type="button" onClick={() => go({ day: dayKey(addDays(day, -step)) })} aria-label={`Previous ${view}`}>
          ‹ Previous
        </button>
        <button type="button" onClick={() => go({ day: dayKey(new Date()) })}>
          Today
        </button>
        <button type="button" onClick={() => go({ day: dayKey(addDays(day, step)) })} aria-label={`Next ${view}`}>
          Next ›
        </button>
        {can('viewAll') && (
          <div className="segmented" role="group" aria-label="Whose events">
            <button type="button" aria-pressed={scope === 'mine'} onClick={() => go({ scope: 'mine' })}>
              Mine
            </button>
            <button type="button" aria-pressed={scope === 'org'} onClick={() => go({ scope: 'org' })}>
              Whole organization
            </button>
          </div>
        )}
      </div>
      <h2 aria-live="polite">{title}</h2>
      {events.isPending && <Loading what="events" />}
      {events.isError && <LoadFailed what="events" error={events.error} retry={() => void events.refetch()} />}
      {events.data?.truncated && <Notice kind="warning">Only the first 2,000 events of this view are shown.</Notice>}
      {events.data && (
        <div className={view === 'week' ? 'week-grid' : 'day-list'}>
          {days.map((date) => {
            const mine = events.data.events.filter(
              (event) => Date.parse(event.start.at) < addDays(date, 1).getTime() && Date.parse(event.end.at) > date.getTime(),
            );
            return (
              <section key={date.toISOString()} className="day" aria-label={formatDay(date)}>
                {view === 'week' && <h3>{formatDay(date)}</h3>}
                {mine.length === 0 ? (
                  <p className="muted">No events.</p>
                ) : (
                  <ul className="event-list">
                    {mine.map((event) => (
                      <li key={event.id}>
                        <button type="button" className="event" onClick={() => setSelected(event)}>
                          <span className="event-time">{event.allDay ? 'All day' : formatTime(event.start.at)}</span>
                          <span className="event-title">{event.title ?? '(no title)'}</span>
                          {event.direction === 'outbound' && <span className="tag">From CRM</span>}
                          {scope === 'org' && <span className="muted event-owner">{event.userId}</span>}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
      {events.data && events.data.events.length === 0 && (
        <p className="empty">
          Nothing here. Events appear once a calendar is connected and synced; meetings you schedule appear here at once.
        </p>
      )}
      {selected && <EventDetails event={selected} onClose={() => setSelected(null)} />}
    </>
  );
}
