// POST /me/calendar/getSchedule: free/busy of mailboxes the fake knows, as availabilityView digits
// (0 free, 1 tentative, 2 busy, 3 out of office, 4 working elsewhere) and scheduleItems.
import { epochToWallTime, wallTimeToEpoch, windowsToIana } from '../../providers/microsoft/time-zones';
import { badRequest } from './graph-errors';
import type { ShowAs } from './model';
import type { MicrosoftStore } from './store';

const DIGIT: Partial<Record<ShowAs, number>> = { tentative: 1, busy: 2, oof: 3, workingElsewhere: 4 };

interface ScheduleRequest {
  schedules?: unknown;
  startTime?: { dateTime?: string; timeZone?: string };
  endTime?: { dateTime?: string; timeZone?: string };
  availabilityViewInterval?: number;
}

function readTime(t: ScheduleRequest['startTime'], field: string): number {
  const iana = windowsToIana(t?.timeZone ?? 'UTC');
  if (!t?.dateTime || !iana) throw badRequest(`${field} is required.`);
  return wallTimeToEpoch(t.dateTime, iana);
}

export function getSchedule(store: MicrosoftStore, body: ScheduleRequest, zone: { name: string; iana: string } | undefined) {
  if (!Array.isArray(body.schedules) || body.schedules.length === 0) throw badRequest('Schedules are required.');
  if (body.schedules.length > 100) throw badRequest('Too many schedules requested (at most 100).');
  const startMs = readTime(body.startTime, 'startTime');
  const endMs = readTime(body.endTime, 'endTime');
  if (endMs <= startMs) throw badRequest('endTime must be after startTime.');
  const interval = body.availabilityViewInterval ?? 30;
  if (!Number.isInteger(interval) || interval < 5 || interval > 1440)
    throw badRequest('availabilityViewInterval must be between 5 and 1440.');
  const outZone = zone ?? { name: 'UTC', iana: 'UTC' };
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
      const items = store.viewItems(account, undefined, startMs, endMs).filter((e) => e.showAs !== 'free' && DIGIT[e.showAs] !== undefined);
      const view = Array.from({ length: slots }, (_, i) => {
        const slotStart = startMs + i * interval * 60_000;
        const slotEnd = slotStart + interval * 60_000;
        const digits = items.filter((e) => e.start.ms < slotEnd && e.end.ms > slotStart).map((e) => DIGIT[e.showAs] ?? 0);
        // The strongest status wins: oof > busy > working elsewhere > tentative.
        const rank = [0, 1, 3, 4, 2];
        return digits.reduce((best, d) => (rank[d]! > rank[best]! ? d : best), 0);
      });
      return {
        scheduleId,
        availabilityView: view.join(''),
        scheduleItems: items.map((e) => ({
          isPrivate: false,
          status: e.showAs,
          subject: e.subject,
          location: e.location,
          isMeeting: e.attendees.length > 0,
          isRecurring: e.type !== 'singleInstance',
          isException: e.type === 'exception',
          isReminderSet: true,
          start: { dateTime: epochToWallTime(e.start.ms, outZone.iana), timeZone: outZone.name },
          end: { dateTime: epochToWallTime(e.end.ms, outZone.iana), timeZone: outZone.name },
        })),
        workingHours: {
          daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          startTime: '08:00:00.0000000',
          endTime: '17:00:00.0000000',
          timeZone: { name: 'Pacific Standard Time' },
        },
      };
    }),
  };
}
