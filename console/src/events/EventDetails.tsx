// One event: what it is, where it came from, its change history, and (for its owner with schedule
// permission) an edit of title, location and description, written through to the calendar. When the
// calendar had changed too, the conflict is named with a link to compare the versions.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiProblem, newRequestKey } from '../api/client';
import type { CalendarEvent, EventChange } from '../api/types';
import { useSession } from '../session/permissions';
import { Dialog } from '../ui/Dialog';
import { Field } from '../ui/Field';
import { formatDateTime, formatTime } from '../ui/format';
import { LoadFailed, Loading, Notice } from '../ui/Notice';
import { ChangeHistory } from './ChangeHistory';

export function eventWhen(event: CalendarEvent): string {
  if (event.allDay) return `${event.start.date ?? formatDateTime(event.start.at)} (all day)`;
  return `${formatDateTime(event.start.at)}–${formatTime(event.end.at)}`;
}

export function EventDetails(props: { event: CalendarEvent; onClose: () => void }) {
  const { me, can } = useSession();
  const { event } = props;
  const [editing, setEditing] = useState(false);
  const canEdit = can('schedule') && event.userId === me.userId;
  return (
    <Dialog title={event.title ?? '(no title)'} onClose={props.onClose} wide>
      <dl className="facts">
        <div>
          <dt>When</dt>
          <dd>{eventWhen(event)}</dd>
        </div>
        <div>
          <dt>Where</dt>
          <dd>{event.location || '—'}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>
            {event.direction === 'outbound' ? 'Scheduled from the CRM' : `From ${event.provider === 'google' ? 'Google' : 'Outlook'}`}
          </dd>
        </div>
        {event.userId !== me.userId && (
          <div>
            <dt>Owner</dt>
            <dd>{event.userId}</dd>
          </div>
        )}
      </dl>
      {event.description && <p className="description">{event.description}</p>}
      {event.attendees && event.attendees.length > 0 && (
        <>
          <h3>Attendees</h3>
          <ul className="plain">
            {event.attendees.map((attendee) => (
              <li key={attendee.email}>
                {attendee.name ?? attendee.email}
                {attendee.response && <span className="muted"> · {attendee.response}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {canEdit && !editing && (
        <div className="actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit event
          </button>
        </div>
      )}
      {editing && <EditEvent event={event} onDone={() => setEditing(false)} />}
      <History event={event} />
    </Dialog>
  );
}

function History(props: { event: CalendarEvent }) {
  const history = useQuery({
    queryKey: ['history', props.event.id],
    queryFn: () =>
      api<{ changes: EventChange[] }>('GET', `/v1/connections/${props.event.connectionId}/events/${props.event.id}/history`).then(
        (answer) => answer.changes,
      ),
  });
  return (
    <section aria-labelledby="history-heading">
      <h3 id="history-heading">Change history</h3>
      {history.isPending && <Loading what="the history" />}
      {history.isError && <LoadFailed what="the history" error={history.error} retry={() => void history.refetch()} />}
      {history.data && <ChangeHistory changes={history.data} />}
    </section>
  );
}

function EditEvent(props: { event: CalendarEvent; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(props.event.title ?? '');
  const [location, setLocation] = useState(props.event.location ?? '');
  const [description, setDescription] = useState(props.event.description ?? '');
  const [requestKey, setRequestKey] = useState(newRequestKey);
  const save = useMutation({
    mutationFn: () => {
      const edit: Record<string, string> = {};
      if (title !== (props.event.title ?? '')) edit.title = title;
      if (location !== (props.event.location ?? '')) edit.location = location;
      if (description !== (props.event.description ?? '')) edit.description = description;
      return api<{ event: CalendarEvent; conflict: { id: string; resolution: string } | null }>(
        'PATCH',
        `/v1/connections/${props.event.connectionId}/events/${props.event.id}`,
        { body: edit, idempotencyKey: requestKey },
      );
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.status !== 0) setRequestKey(newRequestKey());
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['events'] });
      void queryClient.invalidateQueries({ queryKey: ['history', props.event.id] });
      void queryClient.invalidateQueries({ queryKey: ['conflicts'] });
    },
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  if (save.isSuccess) {
    const conflict = save.data.conflict;
    return conflict ? (
      <Notice kind="warning">
        Saved, but the event had changed in the calendar too. The versions were merged (
        {RESOLUTION_WORDS[conflict.resolution] ?? conflict.resolution}
        ). <Link to={`/conflicts/${conflict.id}`}>Compare the versions</Link> to choose another outcome.
      </Notice>
    ) : (
      <Notice kind="success">Saved and written to the calendar.</Notice>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="card">
      <Field label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={problem?.forField('title')} />
      <Field label="Location" value={location} onChange={(e) => setLocation(e.target.value)} error={problem?.forField('location')} />
      <Field
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={problem?.forField('description')}
      />
      {problem && problem.details.every((detail) => !['body.title', 'body.location', 'body.description'].includes(detail.field)) && (
        <Notice kind="error">{problem.message}</Notice>
      )}
      <div className="actions">
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save to calendar'}
        </button>
      </div>
    </form>
  );
}

const RESOLUTION_WORDS: Record<string, string> = {
  local: 'the CRM version was kept',
  remote: 'the calendar version was kept',
  merged: 'changes of both sides were combined',
};
