// Deletions the mass-delete breaker holds (the connection "needs attention"): per calendar how many, why,
// and the decision: "Confirm deletions" (the events are deleted here too) or "Keep events" (they stay).
// POST /v1/connections/{id}/held-deletions/{calendarId}: the owner with connect, or an admin, decides.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiProblem } from '../api/client';
import type { HeldDeletions as Held, HeldDeletionsResolution } from '../api/types';
import { formatDateTime, formatRelative } from '../ui/format';
import { Notice } from '../ui/Notice';
import { heldDeletionWords } from './status';

type Decision = HeldDeletionsResolution['decision'];

export function HeldDeletions(props: { connectionId: string; held: Held[]; canDecide: boolean }) {
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: (input: { calendarId: string; decision: Decision }) =>
      api<HeldDeletionsResolution>('POST', `/v1/connections/${props.connectionId}/held-deletions/${encodeURIComponent(input.calendarId)}`, {
        body: { decision: input.decision },
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['connections'] }),
  });
  const done = decide.data;
  const problem = decide.error instanceof ApiProblem ? decide.error.message : decide.error ? 'That did not work. Try again.' : null;
  // Stays mounted after the last decision, so its result is still shown when nothing is held any more.
  if (props.held.length === 0 && !done && !problem) return null;

  return (
    <section className="held-deletions" aria-label="Deletions on hold">
      {props.held.length > 0 && <h4>Deletions on hold</h4>}
      <ul hidden={props.held.length === 0}>
        {props.held.map((held) => {
          const busy = decide.isPending && decide.variables.calendarId === held.calendarId;
          return (
            <li key={held.calendarId} className="held-deletion">
              <div>
                <strong>{held.name}</strong>: {heldDeletionWords(held)}{' '}
                <span className="muted">
                  Held since{' '}
                  <time dateTime={held.since} title={formatDateTime(held.since)}>
                    {formatRelative(held.since)}
                  </time>
                  .
                </span>
              </div>
              {props.canDecide ? (
                <div className="actions">
                  <button
                    type="button"
                    className="danger-outline"
                    disabled={decide.isPending}
                    onClick={() => decide.mutate({ calendarId: held.calendarId, decision: 'confirm' })}
                  >
                    {busy && decide.variables.decision === 'confirm' ? 'Deleting…' : 'Confirm deletions'}
                  </button>
                  <button
                    type="button"
                    disabled={decide.isPending}
                    onClick={() => decide.mutate({ calendarId: held.calendarId, decision: 'dismiss' })}
                  >
                    {busy && decide.variables.decision === 'dismiss' ? 'Keeping…' : 'Keep events'}
                  </button>
                </div>
              ) : (
                <p className="hint">The calendar&apos;s owner or an administrator decides whether these events are deleted.</p>
              )}
            </li>
          );
        })}
      </ul>
      {done && (
        <Notice kind="success" onDismiss={() => decide.reset()}>
          {done.decision === 'confirm'
            ? `Confirmed: ${done.events} ${done.events === 1 ? 'event was' : 'events were'} deleted here too.`
            : `Kept: ${done.events} ${done.events === 1 ? 'event stays' : 'events stay'} as they were.`}
        </Notice>
      )}
      {problem && <Notice kind="error">{problem}</Notice>}
    </section>
  );
}
