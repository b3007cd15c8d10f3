// Conflicts of two-way sync: the list, and one conflict side by side (common base, CRM, calendar) field by
// field, with "Keep CRM version", "Keep calendar version" and a per-field merge, plus the event's history.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiProblem, newRequestKey } from '../api/client';
import type { Conflict, EventChange } from '../api/types';
import { ChangeHistory } from '../events/ChangeHistory';
import { useSession } from '../session/permissions';
import { formatDateTime } from '../ui/format';
import { LoadFailed, Loading, Notice } from '../ui/Notice';
import { COMPARE_FIELDS, mergedEdit, sameField, showField, type CompareField, type Side } from './versions';

const OUTCOME_WORDS: Record<string, string> = {
  local: 'the CRM version',
  remote: 'the calendar version',
  merged: 'a merge of both',
};

export function ConflictsPage() {
  const { conflictId } = useParams();
  const conflicts = useQuery({
    queryKey: ['conflicts'],
    queryFn: () => api<{ conflicts: Conflict[] }>('GET', '/v1/conflicts?limit=100').then((answer) => answer.conflicts),
  });
  const selected = conflicts.data?.find((conflict) => conflict.id === conflictId);
  return (
    <>
      <h1>Conflicts</h1>
      <p className="muted">
        When an event changed in the CRM and in the calendar at the same time, the newer change wins field by field. Review those decisions
        here and choose another outcome if needed.
      </p>
      {conflicts.isPending && <Loading what="conflicts" />}
      {conflicts.isError && <LoadFailed what="conflicts" error={conflicts.error} retry={() => void conflicts.refetch()} />}
      {conflicts.data?.length === 0 && <p className="empty">No conflicts. Everything synced without competing changes.</p>}
      {conflicts.data && conflicts.data.length > 0 && (
        <div className="split">
          <nav aria-label="Conflicts" className="conflict-list">
            <ul>
              {conflicts.data.map((conflict) => (
                <li key={conflict.id}>
                  <Link to={`/conflicts/${conflict.id}`} aria-current={conflict.id === conflictId ? 'page' : undefined}>
                    <strong>{conflict.local.title ?? conflict.remote.title ?? '(no title)'}</strong>
                    <span className="muted">
                      {formatDateTime(conflict.createdAt)} ·{' '}
                      {conflict.policy === 'manual' ? `resolved by ${conflict.resolvedBy}` : 'decided automatically'}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="conflict-detail">
            {selected ? (
              <ConflictDetail key={selected.id} conflict={selected} />
            ) : (
              <p className="muted">
                {conflictId ? 'This conflict is not in the list (it may belong to someone else).' : 'Choose a conflict to compare.'}
              </p>
            )}
          </div>
        </div>
      )}
    </>
  );
}

function ConflictDetail(props: { conflict: Conflict }) {
  const { conflict } = props;
  const { can } = useSession();
  const queryClient = useQueryClient();
  const current = conflict.resolved ?? conflict.local;
  const [choices, setChoices] = useState<Record<CompareField, Side>>(() => {
    const initial = {} as Record<CompareField, Side>;
    for (const { field } of COMPARE_FIELDS)
      initial[field] = sameField(current, conflict.remote, field) && !sameField(current, conflict.local, field) ? 'remote' : 'local';
    return initial;
  });
  const [requestKey, setRequestKey] = useState(newRequestKey);
  const resolve = useMutation({
    mutationFn: (choice: 'local' | 'remote' | 'merged') => {
      const merged = choice === 'merged' ? mergedEdit(conflict, current, choices) : null;
      return api<{ choice: string }>('POST', `/v1/conflicts/${conflict.id}/resolve`, {
        body: { choice, ...(merged && Object.keys(merged).length > 0 ? { merged } : {}) },
        idempotencyKey: requestKey,
      });
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.status !== 0) setRequestKey(newRequestKey());
    },
    onSuccess: () => {
      setRequestKey(newRequestKey());
      void queryClient.invalidateQueries({ queryKey: ['conflicts'] });
      void queryClient.invalidateQueries({ queryKey: ['history', conflict.eventId] });
      void queryClient.invalidateQueries({ queryKey: ['events'] });
    },
  });
  const history = useQuery({
    queryKey: ['history', conflict.eventId],
    queryFn: () =>
      api<{ changes: EventChange[] }>('GET', `/v1/connections/${conflict.connectionId}/events/${conflict.eventId}/history`).then(
        (answer) => answer.changes,
      ),
  });
  const canResolve = can('schedule');

  return (
    <article aria-labelledby="conflict-heading">
      <h2 id="conflict-heading">{conflict.local.title ?? conflict.remote.title ?? '(no title)'}</h2>
      <p>
        In force now: <strong>{OUTCOME_WORDS[conflict.resolution ?? 'local']}</strong>
        {conflict.policy === 'manual' ? `, chosen by ${conflict.resolvedBy}` : ', chosen automatically (the newer change wins)'}
        {conflict.resolvedAt ? ` on ${formatDateTime(conflict.resolvedAt)}` : ''}.
      </p>
      <div className="table-scroll">
        <table className="compare">
          <caption className="visually-hidden">The event's versions field by field</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Common base</th>
              <th scope="col">CRM</th>
              <th scope="col">Calendar</th>
              {canResolve && <th scope="col">Merge: keep</th>}
            </tr>
          </thead>
          <tbody>
            {COMPARE_FIELDS.map(({ field, label, mergeable }) => {
              const differs = !sameField(conflict.local, conflict.remote, field);
              return (
                <tr key={field} className={differs ? 'differs' : undefined}>
                  <th scope="row">
                    {label}
                    {differs && <span className="visually-hidden"> (differs)</span>}
                  </th>
                  <td>{showField(conflict.base, field)}</td>
                  <td className={!sameField(conflict.base, conflict.local, field) ? 'changed' : undefined}>
                    {showField(conflict.local, field)}
                  </td>
                  <td className={!sameField(conflict.base, conflict.remote, field) ? 'changed' : undefined}>
                    {showField(conflict.remote, field)}
                  </td>
                  {canResolve && (
                    <td>
                      {mergeable && differs ? (
                        <fieldset className="merge-choice">
                          <legend className="visually-hidden">{label}: keep</legend>
                          {(['local', 'remote'] as const).map((side) => (
                            <label key={side}>
                              <input
                                type="radio"
                                name={`merge-${field}`}
                                checked={choices[field] === side}
                                onChange={() => setChoices((now) => ({ ...now, [field]: side }))}
                              />
                              {side === 'local' ? 'CRM' : 'Calendar'}
                            </label>
                          ))}
                        </fieldset>
                      ) : (
                        <span className="muted">{differs ? 'not mergeable' : 'same'}</span>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted legend">Highlighted: fields that differ. Marked cells changed since the common base.</p>
      {resolve.isSuccess && (
        <Notice kind="success">Resolved: {OUTCOME_WORDS[resolve.variables]} is now in the CRM and in the calendar.</Notice>
      )}
      {resolve.error && <Notice kind="error">{resolve.error.message}</Notice>}
      {canResolve ? (
        <div className="actions">
          <button type="button" onClick={() => resolve.mutate('local')} disabled={resolve.isPending}>
            Keep CRM version
          </button>
          <button type="button" onClick={() => resolve.mutate('remote')} disabled={resolve.isPending}>
            Keep calendar version
          </button>
          <button type="button" className="primary" onClick={() => resolve.mutate('merged')} disabled={resolve.isPending}>
            Merge selected fields
          </button>
        </div>
      ) : (
        <p className="muted">Resolving conflicts needs the permission to schedule meetings.</p>
      )}
      <section aria-labelledby="conflict-history-heading">
        <h3 id="conflict-history-heading">Change history of this event</h3>
        {history.isPending && <Loading what="the history" />}
        {history.isError && <LoadFailed what="the history" error={history.error} retry={() => void history.refetch()} />}
        {history.data && <ChangeHistory changes={history.data} />}
      </section>
    </article>
  );
}
