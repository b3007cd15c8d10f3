// CRM-side load during the chaos: meetings scheduled through the API (POST /v1/connections/:id/meetings),
// each with its own Idempotency-Key, starting 6-12 minutes ahead so their reminders (lead 5 minutes) come due
// during or right after the chaos. Like a CRM, the driver sends a request again with the SAME key when it got
// no answer or a temporary failure (5xx, 429, a timeout), until an answer that is final or its time is up.
import { randomUUID } from 'node:crypto';
import type { Connected } from '../lib/connect-many';
import { sleep } from '../lib/measure';
import { MEETING_TITLE_PREFIX } from './provider-changes';
import type { Random } from './random';

export interface ScheduledMeeting {
  connectionId: string;
  email: string;
  key: string;
  title: string;
  start: number;
  /** 201's eventId; undefined when no 201 came. */
  eventId?: string;
  /** The last status (0: no answer: timeout or connection error). */
  lastStatus: number;
  attempts: number;
  /** Every answer that was not 201, as `status code` (the API's error code): 500s are to be explained. */
  failures: string[];
}

const REQUEST_TIMEOUT_MS = 35_000;
/** A CRM retries for a while, then gives up and tells its user. */
const GIVE_UP_AFTER_MS = 3 * 60_000;
const MINUTE = 60_000;

const temporary = (status: number) => status === 0 || status === 429 || status >= 500;

async function scheduleOne(
  apiUrl: string,
  token: string,
  target: Connected,
  leadMinutes: number,
  random: Random,
): Promise<ScheduledMeeting> {
  const key = `chaos-${randomUUID()}`;
  const start = Math.floor((Date.now() + leadMinutes * MINUTE + random.int(0, 59) * 1000) / 1000) * 1000;
  const meeting: ScheduledMeeting = {
    connectionId: target.connectionId,
    email: target.email,
    key,
    title: `${MEETING_TITLE_PREFIX}${key}`,
    start,
    lastStatus: 0,
    attempts: 0,
    failures: [],
  };
  const body = JSON.stringify({ title: meeting.title, start: new Date(start).toISOString(), durationMinutes: 15 });
  const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
  for (;;) {
    meeting.attempts += 1;
    try {
      const response = await fetch(`${apiUrl}/v1/connections/${target.connectionId}/meetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      meeting.lastStatus = response.status;
      const answer = (await response.json().catch(() => ({}))) as { eventId?: string; error?: { code?: string } };
      if (response.status === 201) meeting.eventId = answer.eventId;
      else meeting.failures.push(`${response.status} ${answer.error?.code ?? '(no error code)'}`);
    } catch (error) {
      meeting.lastStatus = 0;
      meeting.failures.push(`no answer (${(error as Error).name})`);
    }
    if (!temporary(meeting.lastStatus) || Date.now() >= giveUpAt) return meeting;
    await sleep(1_000 + random.int(0, 1_000));
  }
}

/** Starts one meeting request every `everyMs` while `running()` (open loop); resolves when every request has its final answer. */
export async function scheduleMeetings(
  apiUrl: string,
  targets: Connected[],
  tokenFor: (userId: string) => Promise<string>,
  options: { everyMs: number; running: () => boolean; leadMinutes: [number, number]; random: Random },
): Promise<ScheduledMeeting[]> {
  const pending: Array<Promise<ScheduledMeeting>> = [];
  const { random } = options;
  while (options.running()) {
    const target = random.pick(targets);
    const lead = random.int(options.leadMinutes[0], options.leadMinutes[1] - 1);
    pending.push(tokenFor(target.email).then((token) => scheduleOne(apiUrl, token, target, lead, random)));
    await sleep(options.everyMs);
  }
  return Promise.all(pending);
}
