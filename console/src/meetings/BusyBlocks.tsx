// The attendees' busy blocks for one day (POST /v1/freebusy), as a time strip per person with the proposed
// meeting marked, and the same facts as text for screen readers.
import type { FreeBusy } from '../api/types';
import { formatTime } from '../ui/format';

interface Row {
  label: string;
  busy: Array<{ start: string; end: string }>;
  note?: string;
}

export function BusyBlocks(props: {
  day: Date;
  answer: FreeBusy;
  attendees: string[];
  you: string;
  proposal: { start: Date; end: Date } | null;
}) {
  const dayStart = props.day.getTime();
  const span = 24 * 3_600_000;
  const rows: Row[] = [
    ...props.answer.users.map((user) => ({
      label: user.userId === props.you ? 'You' : user.userId,
      busy: user.busy,
      ...(user.errors.length ? { note: 'one calendar could not be asked' } : {}),
    })),
    ...props.answer.emails.map((entry, index) => ({
      label: props.attendees[index] ?? 'attendee',
      busy: entry.busy,
      ...(!entry.connected
        ? { note: 'no calendar connected in your organization' }
        : entry.errors.length
          ? { note: 'could not be asked' }
          : {}),
    })),
  ];
  const position = (start: number, end: number) => ({
    left: `${Math.max(0, ((start - dayStart) / span) * 100)}%`,
    width: `${Math.max(0.5, ((Math.min(end, dayStart + span) - Math.max(start, dayStart)) / span) * 100)}%`,
  });
  const overlaps = (block: { start: string; end: string }) =>
    props.proposal !== null &&
    Date.parse(block.start) < props.proposal.end.getTime() &&
    Date.parse(block.end) > props.proposal.start.getTime();
  const clash = rows.some((row) => row.busy.some(overlaps));

  return (
    <div className="busy">
      <div className="busy-scale" aria-hidden="true">
        {[0, 6, 12, 18].map((hour) => (
          <span key={hour} style={{ left: `${(hour / 24) * 100}%` }}>
            {String(hour).padStart(2, '0')}:00
          </span>
        ))}
      </div>
      <ul className="busy-rows">
        {rows.map((row, index) => (
          <li key={index} className="busy-row">
            <span className="busy-label">{row.label}</span>
            <div className="busy-strip" aria-hidden="true">
              {props.proposal && (
                <span className="busy-proposal" style={position(props.proposal.start.getTime(), props.proposal.end.getTime())} />
              )}
              {row.busy.map((block) => (
                <span
                  key={block.start}
                  className={overlaps(block) ? 'busy-block busy-clash' : 'busy-block'}
                  style={position(Date.parse(block.start), Date.parse(block.end))}
                />
              ))}
            </div>
            <span className="visually-hidden">
              {row.busy.length === 0
                ? 'free all day'
                : `busy ${row.busy.map((block) => `${formatTime(block.start)} to ${formatTime(block.end)}`).join(', ')}`}
            </span>
            {row.note && <span className="busy-note">{row.note}</span>}
          </li>
        ))}
      </ul>
      <p className={clash ? 'busy-summary error-text' : 'busy-summary muted'} role="status">
        {clash ? 'The proposed time overlaps someone’s busy time.' : 'Everyone shown is free at the proposed time.'}
      </p>
    </div>
  );
}
