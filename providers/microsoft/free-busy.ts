// Free/busy over Graph. getSchedule answers at most 62 days per request (ErrorTimeIntervalTooBig beyond), so
// longer windows are asked in consecutive parts and joined. It is not supported for personal Microsoft
// accounts (calendar-getschedule reference): when Graph refuses the request itself, the account's own busy
// time is read from its calendar view instead (personal accounts are asked for their own mailbox only).
import type { Client } from '@microsoft/microsoft-graph-client';
import { isProviderError, ProviderError } from '../errors';
import type { BusyBlock, FreeBusyResult } from '../types';
import { toProviderError } from './errors';
import { calendarViewPageSchema, scheduleSchema } from './schemas';
import { wallTimeToEpoch, windowsToIana } from './time-zones';

const DAY_MS = 86_400_000;
/** getSchedule's longest window. */
export const MAX_SCHEDULE_WINDOW_MS = 62 * DAY_MS;
const SCHEDULES_PER_REQUEST = 20;

const BUSY_STATUS: Record<string, BusyBlock['status'] | undefined> = {
  busy: 'busy',
  tentative: 'tentative',
  oof: 'outOfOffice',
  workingElsewhere: 'workingElsewhere',
};

/** [from, to) cut into consecutive windows of at most 62 days. */
export function scheduleWindows(fromMs: number, toMs: number): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  for (let start = fromMs; start < toMs; start += MAX_SCHEDULE_WINDOW_MS)
    windows.push([start, Math.min(toMs, start + MAX_SCHEDULE_WINDOW_MS)]);
  return windows;
}

const utc = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace('Z', ''), timeZone: 'UTC' });
const toIso = (t: { dateTime: string; timeZone?: string | null }) =>
  new Date(wallTimeToEpoch(t.dateTime, windowsToIana(t.timeZone) ?? 'UTC')).toISOString();

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toProviderError(error);
  }
}

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProviderError('malformed_response', 'microsoft', 'Microsoft Graph answered an unexpected body');
  return result.data;
}

/** Graph refused getSchedule itself (not a throttle or an outage): what personal accounts get. */
function scheduleUnsupported(error: unknown): error is ProviderError {
  return ['permission_denied', 'invalid_request', 'not_found'].some((kind) => isProviderError(error, kind as ProviderError['kind']));
}

async function scheduleOf(
  graph: Client,
  root: string,
  emails: string[],
  fromMs: number,
  toMs: number,
  result: FreeBusyResult,
): Promise<void> {
  const body = { schedules: emails, startTime: utc(fromMs), endTime: utc(toMs), availabilityViewInterval: 30 };
  const json = await call(() => graph.api(`${root}/calendar/getSchedule`).header('Prefer', 'outlook.timezone="UTC"').post(body));
  const schedule = parse(scheduleSchema, json);
  for (const email of emails) {
    if (result[email] && 'error' in result[email]!) continue;
    const info = schedule.value.find((s) => s.scheduleId.toLowerCase() === email.toLowerCase());
    if (!info) result[email] = { error: 'notReturned' };
    else if (info.error) result[email] = { error: info.error.responseCode ?? 'error' };
    else {
      const blocks = (info.scheduleItems ?? []).flatMap((item): BusyBlock[] => {
        const status = BUSY_STATUS[item.status];
        return status ? [{ start: toIso(item.start), end: toIso(item.end), status }] : [];
      });
      const known = result[email];
      result[email] = { busy: [...(known && 'busy' in known ? known.busy : []), ...blocks] };
    }
  }
}

/** The signed-in account's own busy time from its calendar view (every calendar view page). */
async function calendarViewBusy(graph: Client, root: string, fromMs: number, toMs: number): Promise<BusyBlock[]> {
  const busy: BusyBlock[] = [];
  const query = { startDateTime: new Date(fromMs).toISOString(), endDateTime: new Date(toMs).toISOString() };
  let next: string | undefined;
  do {
    const url = next;
    const json = await call(() =>
      (url ? graph.api(url) : graph.api(`${root}/calendarView`).query(query).select(['showAs', 'start', 'end', 'isCancelled']))
        .header('Prefer', 'outlook.timezone="UTC"')
        .get(),
    );
    const page = parse(calendarViewPageSchema, json);
    for (const event of page.value) {
      const status = event.showAs ? BUSY_STATUS[event.showAs] : undefined;
      if (status && !event.isCancelled) busy.push({ start: toIso(event.start), end: toIso(event.end), status });
    }
    next = page['@odata.nextLink'] ?? undefined;
  } while (next);
  return busy;
}

/** `mailboxRoot`: `/me`, or `/users/{id}` for an app-only token (organization-managed connections). */
export async function graphFreeBusy(
  graph: Client,
  input: { emails: string[]; timeMin: string; timeMax: string; mailboxRoot?: string },
): Promise<FreeBusyResult> {
  const root = input.mailboxRoot ?? '/me';
  const fromMs = Date.parse(input.timeMin);
  const toMs = Date.parse(input.timeMax);
  const result: FreeBusyResult = {};
  for (const [start, end] of scheduleWindows(fromMs, toMs)) {
    for (let i = 0; i < input.emails.length; i += SCHEDULES_PER_REQUEST) {
      const emails = input.emails.slice(i, i + SCHEDULES_PER_REQUEST);
      try {
        await scheduleOf(graph, root, emails, start, end, result);
      } catch (error) {
        if (!scheduleUnsupported(error)) throw error;
        // A personal account: only its own calendar can be read, and it is the one asked for.
        if (input.emails.length !== 1) {
          for (const email of emails) result[email] = { error: 'getScheduleNotSupported' };
          continue;
        }
        return { [input.emails[0]!]: { busy: await calendarViewBusy(graph, root, fromMs, toMs) } };
      }
    }
  }
  return result;
}
