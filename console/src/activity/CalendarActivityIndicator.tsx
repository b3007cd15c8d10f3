// CalendarActivityIndicator: the timeline badge on an activity linked to a calendar event, saying which
// calendar holds it and whether it is still there. Activates to open the event.
import type { Activity } from '../api/types';

export function CalendarActivityIndicator(props: { link: NonNullable<Activity['calendarEvent']>; onOpen: () => void }) {
  const provider = props.link.provider === 'google' ? 'Google Calendar' : 'Outlook';
  const cancelled = props.link.status === 'cancelled';
  return (
    <button
      type="button"
      className={cancelled ? 'calendar-indicator calendar-indicator-cancelled' : 'calendar-indicator'}
      onClick={props.onOpen}
      aria-label={`${cancelled ? 'Cancelled in' : 'In'} ${provider}: open the calendar event`}
      data-testid="calendar-activity-indicator"
    >
      <span aria-hidden="true">📅</span> {cancelled ? `Cancelled in ${provider}` : `In ${provider}`}
    </button>
  );
}
