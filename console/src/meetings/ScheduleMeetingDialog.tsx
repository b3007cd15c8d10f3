// ScheduleMeetingDialog: title, start in the user's time zone, duration pre-filled from the organization's
// default, attendees and their busy blocks for that day, then POST /v1/connections/{id}/meetings. The API's
// errors land on the field they name; the result says where the meeting went and links to it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiProblem, newRequestKey } from '../api/client';
import type { FreeBusy, Meeting, Settings } from '../api/types';
import { useConnections } from '../connections/queries';
import { useSession } from '../session/permissions';
import { Dialog } from '../ui/Dialog';
import { Field } from '../ui/Field';
import { addDays, formatDateTime, formatTime, startOfDay, toLocalInput, userTimeZone } from '../ui/format';
import { Loading, Notice } from '../ui/Notice';
import { BusyBlocks } from './BusyBlocks';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The next full hour. */
function nextHour(): Date {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours() + 1);
}

/** 2026-12-01T10:00 (local wall time) as an ISO date-time with the user's offset: 2026-12-01T10:00:00+01:00. */
function withOffset(local: Date): string {
  const offset = -local.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${toLocalInput(local)}:00${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

export function ScheduleMeetingDialog(props: { onClose: () => void }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const connections = useConnections();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api<Settings>('GET', '/v1/settings') });
  const writable = useMemo(() => (connections.data ?? []).filter((c) => (c.health ?? c.status) !== 'needs_reconnect'), [connections.data]);

  const [title, setTitle] = useState('');
  const [start, setStart] = useState(toLocalInput(nextHour()));
  const [duration, setDuration] = useState<string | null>(null);
  const [attendeeText, setAttendeeText] = useState('');
  const [location, setLocation] = useState('');
  const [connectionId, setConnectionId] = useState<string | null>(null);
  // One key per attempt: a retry after a network failure (no answer) reuses it, so the meeting cannot be
  // scheduled twice; an answered failure gets a new key for the corrected request.
  const [requestKey, setRequestKey] = useState(newRequestKey);

  useEffect(() => {
    if (duration === null && settings.data) setDuration(String(settings.data.defaultMeetingDurationMinutes));
  }, [settings.data, duration]);
  useEffect(() => {
    if (connectionId === null && writable[0]) setConnectionId(writable[0].id);
  }, [writable, connectionId]);

  const attendees = attendeeText
    .split(/[\s,;]+/)
    .map((value) => value.trim())
    .filter(Boolean);
  const checkable = attendees.filter((email) => EMAIL.test(email));
  const startDate = start ? new Date(start) : null;
  const validStart = startDate !== null && !Number.isNaN(startDate.getTime());
  const day = validStart ? startOfDay(startDate) : null;
  const minutes = Number(duration);
  const proposal = validStart && minutes > 0 ? { start: startDate, end: new Date(startDate.getTime() + minutes * 60_000) } : null;

  const freeBusy = useQuery({
    queryKey: ['freebusy', day?.toISOString(), checkable.join(',')],
    enabled: day !== null,
    queryFn: () =>
      api<FreeBusy>('POST', '/v1/freebusy', {
        body: { userIds: [me.userId], emails: checkable, from: day!.toISOString(), to: addDays(day!, 1).toISOString() },
      }),
  });

  const schedule = useMutation({
    mutationFn: () => {
      const body = {
        title,
        start: validStart ? withOffset(startDate) : start,
        timeZone: userTimeZone,
        ...(duration !== null && duration.trim() !== '' ? { durationMinutes: Number(duration) } : {}),
        attendees: attendees.map((email) => ({ email })),
        ...(location.trim() ? { location: location.trim() } : {}),
      };
      return api<Meeting>('POST', `/v1/connections/${connectionId}/meetings`, { body, idempotencyKey: requestKey });
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.status !== 0) setRequestKey(newRequestKey());
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['events'] });
      void queryClient.invalidateQueries({ queryKey: ['activities'] });
    },
  });
  const problem = schedule.error instanceof ApiProblem ? schedule.error : null;
  const attendeeError = problem?.details.find((detail) => detail.field.startsWith('body.attendees'));
  const attendeeMessage = attendeeError
    ? `${attendees[Number(attendeeError.field.split('.')[2])] ?? 'An attendee'}: ${attendeeError.message}`
    : undefined;
  const otherProblem = problem && !['title', 'start', 'durationMinutes', 'location'].some((f) => problem.forField(f)) && !attendeeError;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    schedule.mutate();
  };

  if (schedule.isSuccess) {
    const meeting = schedule.data;
    const connection = writable.find((c) => c.id === connectionId);
    return (
      <Dialog title="Meeting scheduled" onClose={props.onClose}>
        <Notice kind="success">
          <strong>{title}</strong> is in {connection ? `${connection.accountEmail}'s calendar` : 'the calendar'}:{' '}
          {formatDateTime(meeting.start)}–{formatTime(meeting.end)} ({meeting.durationMinutes} minutes)
          {attendees.length > 0 ? `, invitations to ${attendees.length} ${attendees.length === 1 ? 'attendee' : 'attendees'}` : ''}.
        </Notice>
        <div className="actions">
          <Link to={`/events?day=${toLocalInput(new Date(meeting.start)).slice(0, 10)}`} onClick={props.onClose}>
            See it in Events
          </Link>
          <button type="button" className="primary" onClick={props.onClose} autoFocus>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Schedule meeting" onClose={props.onClose} wide>
      {connections.isPending && <Loading what="your calendars" />}
      {connections.data && writable.length === 0 && (
        <Notice kind="warning">
          Connect a calendar first: meetings are written into one of your calendars.{' '}
          <Link to="/" onClick={props.onClose}>
            Go to Connections
          </Link>
        </Notice>
      )}
      {writable.length > 0 && (
        <form onSubmit={submit} noValidate className="meeting-form">
          <Field
            label="Title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            error={problem?.forField('title')}
            required
            autoFocus
          />
          <div className="field-row">
            <Field
              label="Start"
              type="datetime-local"
              value={start}
              onChange={(e) => setStart(e.target.value)}
              hint={`Your time zone: ${userTimeZone}`}
              error={problem?.forField('start')}
              required
            />
            <Field
              label="Duration (minutes)"
              type="number"
              inputMode="numeric"
              value={duration ?? ''}
              onChange={(e) => setDuration(e.target.value)}
              hint={settings.data ? `Your organization's default: ${settings.data.defaultMeetingDurationMinutes}` : undefined}
              error={problem?.forField('durationMinutes')}
            />
          </div>
          <Field
            label="Attendees"
            value={attendeeText}
            onChange={(e) => setAttendeeText(e.target.value)}
            hint="Email addresses, separated by commas."
            error={attendeeMessage}
            autoComplete="off"
            spellCheck={false}
          />
          <Field
            label="Location (optional)"
            value={location}
            onChange={(e) => setLocation(e.target.value)}
            error={problem?.forField('location')}
          />
          {writable.length > 1 && (
            <div className="field">
              <label htmlFor="meeting-calendar">Calendar</label>
              <select id="meeting-calendar" value={connectionId ?? ''} onChange={(e) => setConnectionId(e.target.value)}>
                {writable.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.accountEmail} ({c.provider === 'google' ? 'Google' : 'Microsoft'})
                  </option>
                ))}
              </select>
            </div>
          )}
          <section aria-labelledby="busy-heading" className="busy-section">
            <h3 id="busy-heading">{day ? `Busy times on ${day.toLocaleDateString(undefined, { dateStyle: 'full' })}` : 'Busy times'}</h3>
            {freeBusy.isPending && day && <Loading what="busy times" />}
            {freeBusy.isError && <Notice kind="warning">Busy times could not be loaded: {freeBusy.error.message}</Notice>}
            {freeBusy.data && day && (
              <BusyBlocks day={day} answer={freeBusy.data} attendees={checkable} you={me.userId} proposal={proposal} />
            )}
          </section>
          {otherProblem && <Notice kind="error">{problem.message}</Notice>}
          {schedule.error && !problem && <Notice kind="error">Scheduling failed. Try again.</Notice>}
          <div className="actions">
            <button type="button" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={schedule.isPending || connectionId === null}>
              {schedule.isPending ? 'Scheduling…' : 'Schedule meeting'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
