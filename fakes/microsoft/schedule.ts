// POST /me/calendar/getSchedule: free/busy of mailboxes the fake knows, as availabilityView digits
// (0 free, 1 tentative, 2 busy, 3 out of office, 4 working elsewhere) and scheduleItems.
import type { ShowAs } from './event-resource';
import type { ResponseZone } from './event-view';
import { GraphHttpError, badRequest } from './graph-errors';
import type { Account } from './model';
import { graphDateTimeOf, instantOfGraphDateTime, requireZone } from './graph-time';
import type { MicrosoftStore } from './store';

const DIGIT: Partial<Record<ShowAs, number>> = { tentative: 1, busy: 2, oof: 3, workingElsewhere: 4 };

interface ScheduleRequest {
  schedules?: unknown;
  startTime?: { dateTime?: string; timeZone?: string };
  endTime?: { dateTime?: string; timeZone?: string };
  availabilityViewInterval?: number;
}

function readTime(t: ScheduleRequest['startTime'], field: string): number {
  if (!t?.dateTime) throw badRequest(`${field} is required.`);
  const ms = instantOfGraphDateTime(t.dateTime, requireZone(t.timeZone ?? 'UTC'));
  if (ms === undefined) throw badRequest(`${field} is not a valid date-time.`);
  return ms;
}

/** getSchedule answers at most 62 days (calendar-getschedule reference). */
const MAX_WINDOW_MS = 62 * 86_400_000;

export function getSchedule(store: MicrosoftStore, body: ScheduleRequest, outZone: ResponseZone, caller: Account) {
  // Not supported for personal Microsoft accounts (reference: "Delegated (personal Microsoft account): Not
  // supported"). The exact answer is undocumented (unconfirmed): the fake refuses like an access check.
  if (caller.personal) throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  if (!Array.isArray(body.schedules) || body.schedules.length === 0) throw badRequest('Schedules are required.');
  if (body.schedules.length > 100) throw badRequest('Too many schedules requested (at most 100).');
  const startMs = readTime(body.startTime, 'startTime');
  const endMs = readTime(body.endTime, 'endTime');
  if (endMs <= startMs) throw badRequest('endTime must be after startTime.');
  if (endMs - startMs > MAX_WINDOW_MS) {
    throw badRequest('The requested time duration exceeds the maximum of 62 days.', 'ErrorTimeIntervalTooBig');
  }
  const interval = body.availabilityViewInterval ?? 30;
  if (!Number.isInteger(interval) || interval < 5 || interval > 1440)
    throw badRequest('availabilityViewInterval must be between 5 and 1440.');
  const slots = Math.ceil((endMs - startMs) / (interval * 60_000));

  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)',
    value: body.schedules.map((address) => {
      const scheduleId = String(address);
      const account = store.getAccount(scheduleId);
      if (!account) {
        return {
          scheduleId,
          availabilityView: '',
          scheduleItems: [],
          error: { message: 'The specified SMTP address has no mailbox associated with it.', responseCode: 'ErrorMailRecipientNotFound' },
        };
      }
      const items = store.viewItems(account, undefined, startMs, endMs).filter((e) => DIGIT[e.json.showAs] !== undefined);
      const view = Array.from({ length: slots }, (_, i) => {
        const slotStart = startMs + i * interval * 60_000;
        const slotEnd = slotStart + interval * 60_000;
        const digits = items.filter((e) => e.startMs < slotEnd && e.endMs > slotStart).map((e) => DIGIT[e.json.showAs] ?? 0);
        // The strongest status wins: oof > busy > working elsewhere > tentative.
        const rank = [0, 1, 3, 4, 2];
        return digits.reduce((best, d) => (rank[d]! > rank[best]! ? d : best), 0);
      });
      return {
        scheduleId,
        availabilityView: view.join(''),
        scheduleItems: items.map(({ json, startMs, endMs }) => ({
          isPrivate: false,
          status: json.showAs,
          subject: json.subject,
          location: json.location.displayName,
          isMeeting: json.attendees.length > 0,
          isRecurring: json.type !== 'singleInstance',
          isException: json.type === 'exception',
          isReminderSet: json.isReminderOn,
          start: { dateTime: graphDateTimeOf(startMs, outZone.iana), timeZone: outZone.name },
          end: { dateTime: graphDateTimeOf(endMs, outZone.iana), timeZone: outZone.name },
        })),
        workingHours: {
          daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          startTime: '08:00:00.0000000',
          endTime: '17:00:00.0000000',
          timeZone: { name: 'UTC' }, // the fake's mailboxes live in UTC
        },
      };
    }),
  };
}
