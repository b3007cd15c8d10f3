// Pre-meeting reminder planning: when each reminder is due, and the key that makes its delivery happen
// exactly once. Pure; the connection workflow uses it with its deterministic clock.

export interface UpcomingMeeting {
  eventId: string;
  /** ISO-8601 start of the meeting. */
  startAt: string;
}

export interface PlannedReminder extends UpcomingMeeting {
  /** Epoch milliseconds at which the reminder is due. */
  dueAt: number;
}

/** One notification per event and start time: moving a meeting gives its reminder a new key. */
export function reminderDedupeKey(eventId: string, startAt: string): string {
  return `pre-meeting:${eventId}:${new Date(startAt).toISOString()}`;
}

/** Reminders for meetings that have not started, earliest first; a meeting inside the lead time is due now. */
export function planReminders(meetings: UpcomingMeeting[], leadMinutes: number, now: number): PlannedReminder[] {
  return meetings
    .filter((meeting) => Date.parse(meeting.startAt) > now)
    .map((meeting) => ({ ...meeting, dueAt: Math.max(now, Date.parse(meeting.startAt) - leadMinutes * 60_000) }))
    .sort((a, b) => a.dueAt - b.dueAt || a.eventId.localeCompare(b.eventId));
}
