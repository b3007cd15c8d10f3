// Which calendars of the account sync, and which one receives meetings scheduled from the CRM. The list is
// asked of the provider through the connection (GET/PATCH /v1/connections/{id}/calendars).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiProblem } from '../api/client';
import type { CalendarIssue, CalendarList } from '../api/types';
import { LoadFailed, Loading, Notice } from '../ui/Notice';
import { calendarIssueWords } from './status';

export function CalendarSelection(props: { connectionId: string; accountEmail: string; issues: CalendarIssue[]; canChange: boolean }) {
  const queryClient = useQueryClient();
  const key = ['calendars', props.connectionId];
  const list = useQuery({ queryKey: key, queryFn: () => api<CalendarList>('GET', `/v1/connections/${props.connectionId}/calendars`) });
  const [sync, setSync] = useState<string[]>([]);
  const [writeTarget, setWriteTarget] = useState<string | null>(null);
  useEffect(() => {
    if (!list.data) return;
    setSync(list.data.calendars.filter((calendar) => calendar.sync).map((calendar) => calendar.externalCalendarId));
    setWriteTarget(list.data.calendars.find((calendar) => calendar.writeTarget)?.externalCalendarId ?? null);
  }, [list.data]);
  const save = useMutation({
    mutationFn: () =>
      api<CalendarList>('PATCH', `/v1/connections/${props.connectionId}/calendars`, {
        body: { sync, ...(writeTarget ? { writeTarget } : {}) },
      }),
    onSuccess: (answer) => {
      queryClient.setQueryData(key, answer);
      void queryClient.invalidateQueries({ queryKey: ['connections'] });
    },
  });

  if (list.isPending) return <Loading what="calendars" />;
  if (list.isError) return <LoadFailed what="calendars" error={list.error} retry={() => void list.refetch()} />;
  const calendars = list.data.calendars;
  const changed =
    calendars.some((calendar) => calendar.sync !== sync.includes(calendar.externalCalendarId)) ||
    (calendars.find((calendar) => calendar.writeTarget)?.externalCalendarId ?? null) !== writeTarget;
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const issueOf = (calendarId: string) => props.issues.find((issue) => issue.calendarId === calendarId);
  // A calendar removed at the provider may be gone from the list: its issue is still worth a line.
  const unlisted = props.issues.filter((issue) => !calendars.some((calendar) => calendar.externalCalendarId === issue.calendarId));

  return (
    <form
      className="calendar-selection"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      {!list.data.refreshed && <Notice kind="warning">The provider could not be asked just now; this is the list as last seen.</Notice>}
      <table>
        <caption className="visually-hidden">Calendars of {props.accountEmail}</caption>
        <thead>
          <tr>
            <th scope="col">Calendar</th>
            <th scope="col">Syncs</th>
            <th scope="col">Receives meetings</th>
          </tr>
        </thead>
        <tbody>
          {calendars.map((calendar) => (
            <tr key={calendar.externalCalendarId}>
              <th scope="row">
                {calendar.name}
                {calendar.isPrimary && <span className="tag">Primary</span>}
                {calendar.canWrite === false && <span className="tag">Read only</span>}
                {issueOf(calendar.externalCalendarId) && (
                  <span className="calendar-issue">
                    <span aria-hidden="true">▲ </span>
                    {calendarIssueWords(issueOf(calendar.externalCalendarId)!)}
                  </span>
                )}
              </th>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Sync ${calendar.name}`}
                  checked={sync.includes(calendar.externalCalendarId)}
                  disabled={!props.canChange}
                  onChange={(event) =>
                    setSync((current) =>
                      event.target.checked
                        ? [...current, calendar.externalCalendarId]
                        : current.filter((id) => id !== calendar.externalCalendarId),
                    )
                  }
                />
              </td>
              <td>
                <input
                  type="radio"
                  name={`write-target-${props.connectionId}`}
                  aria-label={`Meetings go to ${calendar.name}`}
                  checked={writeTarget === calendar.externalCalendarId}
                  disabled={!props.canChange || calendar.canWrite === false}
                  onChange={() => setWriteTarget(calendar.externalCalendarId)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {unlisted.length > 0 && (
        <ul className="calendar-issues">
          {unlisted.map((issue) => (
            <li key={issue.calendarId} className="calendar-issue">
              <strong>{issue.name}</strong>: {calendarIssueWords(issue)}
            </li>
          ))}
        </ul>
      )}
      {problem && <Notice kind="error">{problem.details[0]?.message ?? problem.message}</Notice>}
      {save.isSuccess && !changed && <Notice kind="success">Saved. Newly selected calendars sync now.</Notice>}
      {props.canChange && (
        <div className="actions">
          <button type="submit" className="primary" disabled={!changed || save.isPending || sync.length === 0}>
            {save.isPending ? 'Saving…' : 'Save calendars'}
          </button>
          {sync.length === 0 && <span className="hint">Select at least one calendar to sync.</span>}
        </div>
      )}
    </form>
  );
}
