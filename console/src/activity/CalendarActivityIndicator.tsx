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
      <svg aria-hidden="true" width="12" height="12" viewBox="0 0 12 12" className="calendar-glyph">
        <rect x="0.75" y="1.75" width="10.5" height="9.5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <path d="M0.75 4.75h10.5M3.5 0.5v2.5M8.5 0.5v2.5" stroke="currentColor" strokeWidth="1.5" />
      </svg>{' '}
      {cancelled ? `Cancelled in ${provider}` : `In ${provider}`}
    </button>
  );
}
