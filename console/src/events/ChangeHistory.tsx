// An event's change history, oldest first: who changed what, from which side, before and after.
import type { EventChange } from '../api/types';
import { formatDateTime } from '../ui/format';

const SOURCE_WORDS: Record<EventChange['source'], string> = {
  provider: 'Changed in the calendar',
  api: 'Changed in the CRM',
  workflow: 'Changed by the sync',
  conflict_resolution: 'Conflict resolved',
};

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'object') {
    const time = value as { dateTime?: string; date?: string };
    if (time.dateTime) return formatDateTime(time.dateTime);
    if (time.date) return time.date;
    return JSON.stringify(value);
  }
  return String(value);
}

export function ChangeHistory(props: { changes: EventChange[] }) {
  if (props.changes.length === 0) return <p className="muted">No changes recorded.</p>;
  return (
    <ol className="history">
      {props.changes.map((change) => (
        <li key={change.id}>
          <div>
            <strong>{change.before === null ? 'Created' : SOURCE_WORDS[change.source]}</strong>
            {change.actor && <span className="muted"> by {change.actor}</span>}
            <span className="muted"> · {formatDateTime(change.at)}</span>
          </div>
          {change.before !== null && (
            <ul className="plain changes">
              {Object.keys(change.after).map((field) => (
                <li key={field}>
                  <span className="field-name">{field}</span>: <del>{show(change.before?.[field])}</del> →{' '}
                  <ins>{show(change.after[field])}</ins>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
