// npm run chaos — the service under load while things break (issue 15, "Reliability under that load"):
//   1. N sandbox Google accounts (a few events each) connected through the OAuth flow, first syncs done;
//      the organization's reminders 5 minutes ahead, a CRM webhook endpoint (a local receiver) registered;
//   2. for --chaos-minutes: --fault-rate of provider requests fail (fault-schedule.ts), the worker process is
//      SIGKILLed --worker-kills times at random instants (worker-kills.ts) and the Temporal dev server is
//      restarted once (temporal-restart.ts), while calendar-side changes (provider-changes.ts) and meetings
//      scheduled through the API (meetings.ts) keep coming;
//   3. faults off, the worker running: every connection synced twice (settle.ts), every reminder's time passed;
//   4. the checks (checks.ts): every calendar equals its rows, no meeting twice at the provider, every
//      reminder delivered exactly once (notification and webhook). Exit code 1 when one fails.
// Flags (or env): --connections (CHAOS_CONNECTIONS, 1000), --events-per-connection (5), --connect-concurrency
// (16), --chaos-minutes (5), --worker-kills (20), --fault-rate (0.3), --changes-per-second (2),
// --meetings-per-minute (30), --meeting-lead-minutes (6-12), --settle-minutes (10), --seed, --postgres URL.
import { saveSettings } from '../../data/settings';
import { startReceiver } from '../../test/webhooks/receiver';
import { connectMany, describeConnectOutcome } from '../lib/connect-many';
import { machineLine, now, pollUntil, secondsSince, sleep } from '../lib/measure';
import { numberOption, option } from '../lib/options';
import { runBenchmark } from '../lib/run-benchmark';
import { seedSingleEvents } from '../lib/sandbox-calendar';
import { startBenchService } from '../lib/service';
import { checkCalendars, checkMeetings, checkReminders } from './checks';
import { describeFaultMix, startProviderFaults } from './fault-schedule';
import { scheduleMeetings } from './meetings';
import { makeProviderChanges } from './provider-changes';
import { randomInstants, seededRandom } from './random';
import { settle } from './settle';
import { restartTemporalAt } from './temporal-restart';
import { killWorkerAt } from './worker-kills';

const CONNECTIONS = numberOption('connections', 'CHAOS_CONNECTIONS', 1000);
const EVENTS = numberOption('events-per-connection', 'CHAOS_EVENTS_PER_CONNECTION', 5);
const CONCURRENCY = numberOption('connect-concurrency', 'CHAOS_CONNECT_CONCURRENCY', 16);
const CHAOS_MINUTES = numberOption('chaos-minutes', 'CHAOS_MINUTES', 5);
const WORKER_KILLS = Math.round(Number(option('worker-kills', 'CHAOS_WORKER_KILLS', '20')));
const MIN_WORKER_UPTIME_SECONDS = numberOption('min-worker-uptime-seconds', 'CHAOS_MIN_WORKER_UPTIME_SECONDS', 10);
const FAULT_RATE = numberOption('fault-rate', 'CHAOS_FAULT_RATE', 0.3, { allowZero: true });
const CHANGES_PER_SECOND = numberOption('changes-per-second', 'CHAOS_CHANGES_PER_SECOND', 2);
const MEETINGS_PER_MINUTE = numberOption('meetings-per-minute', 'CHAOS_MEETINGS_PER_MINUTE', 30);
const SETTLE_MINUTES = numberOption('settle-minutes', 'CHAOS_SETTLE_MINUTES', 10);
const SEED = numberOption('seed', 'CHAOS_SEED', Date.now() % 1_000_000_007);
const LEAD = option('meeting-lead-minutes', 'CHAOS_MEETING_LEAD_MINUTES', '6-12').split('-').map(Number) as [number, number];
const ORGANIZATION = 'chaos-org';
const REMINDER_LEAD_MINUTES = 5;
const CONNECT_SECONDS = 900;
const FIRST_SYNC_BOUND_MS = 15 * 60_000;
/** After a reminder's time: how long it may take to arrive, and how long to keep listening for a second one. */
const REMINDER_BOUND_MS = 3 * 60_000;
const DUPLICATE_GRACE_MS = 20_000;
const log = (line: string) => console.log(line);

/** Per-address and per-project limits would measure this one-box setup, not the service (as in bench:scale). */
const CHAOS_ENV = {
  WEBHOOK_RATE_LIMIT_PER_MINUTE: '1000000',
  GOOGLE_REQUESTS_PER_MINUTE_PER_PROJECT: '1000000',
};

async function main(): Promise<void> {
  if (!(WORKER_KILLS >= 0)) throw new Error('--worker-kills: expected a whole number >= 0');
  if (!(LEAD[0]! > REMINDER_LEAD_MINUTES && LEAD[1]! > LEAD[0]!))
    throw new Error(`--meeting-lead-minutes: expected "from-to" with ${REMINDER_LEAD_MINUTES} < from < to, e.g. 6-12`);
  const runStart = now();
  log(
    `chaos — ${new Date().toISOString()} — ${CONNECTIONS} connections, ${WORKER_KILLS} worker kills, 1 Temporal restart, ` +
      `${FAULT_RATE * 100}% provider faults for ${CHAOS_MINUTES} min, seed ${SEED} — ${machineLine()}`,
  );
  const random = seededRandom(SEED);
  const service = await startBenchService({ env: CHAOS_ENV, persistentTemporal: true });
  const receiver = await startReceiver();
  const { db } = service.deps;
  let stopFaults = () => undefined as void;
  const failures: string[] = [];
  try {
    // 1. Set-up.
    await saveSettings(db, ORGANIZATION, { preMeetingNotificationMinutes: REMINDER_LEAD_MINUTES }, 'chaos');
    const admin = await service.signToken({ org: ORGANIZATION, user: 'chaos-admin', permissions: ['ce.calendar.admin'] });
    const registered = await fetch(`${service.apiUrl}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url }),
    });
    if (registered.status !== 201)
      throw new Error(`registering the webhook endpoint: HTTP ${registered.status} ${await registered.text()}`);
    const emails = Array.from({ length: CONNECTIONS }, (_, i) => `chaos${i}@bench.example.com`);
    for (const [i, email] of emails.entries()) seedSingleEvents(service.google, email, EVENTS, i + 1);
    const outcome = await connectMany(service, emails, {
      concurrency: CONCURRENCY,
      boundSeconds: CONNECT_SECONDS,
      attempts: 3,
      organizationId: ORGANIZATION,
    });
    const { connected } = outcome;
    log(describeConnectOutcome(outcome, CONNECTIONS, CONCURRENCY, CONNECT_SECONDS));
    const firstSyncs = await pollUntil(
      // The run's own database holds these connections only (a list of 1,000 ids is over SQLite's bind limit).
      () => db.connectionCalendar.count({ where: { lastSyncAt: { not: null } } }),
      (synced) => synced >= connected.length,
      { timeoutMs: FIRST_SYNC_BOUND_MS, intervalMs: 1000 },
    );
    log(`  first syncs ${firstSyncs.value}/${connected.length}, ${secondsSince(runStart).toFixed(0)} s into the run; ${machineLine()}`);

    // 2. The chaos. Faults for the window; the load goes on until every kill and the restart are done too.
    const chaosMs = CHAOS_MINUTES * 60_000;
    const chaosStart = Date.now();
    log(`  chaos for ${CHAOS_MINUTES} min: faults ${describeFaultMix(FAULT_RATE)}`);
    stopFaults = startProviderFaults([service.google, service.microsoft], FAULT_RATE);
    const kills = killWorkerAt(service, randomInstants(random, WORKER_KILLS, chaosMs), MIN_WORKER_UPTIME_SECONDS * 1000, log);
    // The restart somewhere in the middle half, so there is chaos on both sides of it.
    const restart = restartTemporalAt(service, chaosMs * (0.25 + random.next() * 0.5), connected[0]!.workflowId, log);
    const faultWindow = sleep(chaosMs).then(() => {
      stopFaults();
      log(`  fault window over at ${secondsSince(runStart).toFixed(0)} s; faults off; ${machineLine()}`);
    });
    let chaosOver = false;
    const disruptions = Promise.all([kills.done, restart, faultWindow]).finally(() => (chaosOver = true));
    const tokens = new Map<string, Promise<string>>();
    const tokenFor = (user: string) => {
      if (!tokens.has(user)) tokens.set(user, service.signToken({ org: ORGANIZATION, user, permissions: ['ce.calendar.schedule'] }));
      return tokens.get(user)!;
    };
    const running = () => !chaosOver;
    const meetingsDone = scheduleMeetings(service.apiUrl, connected, tokenFor, {
      everyMs: 60_000 / MEETINGS_PER_MINUTE,
      running,
      leadMinutes: LEAD,
      random,
    });
    const changes = await makeProviderChanges(
      service.google,
      connected.map((connection) => connection.email),
      { perSecond: CHANGES_PER_SECOND, running, random },
    );
    const [killReport, restartReport] = await disruptions;
    log(`  chaos over (every kill and the restart done) after ${((Date.now() - chaosStart) / 1000).toFixed(0)} s; ${machineLine()}`);
    const meetings = await meetingsDone;
    kills.stopWatching();
    const answered = meetings.filter((meeting) => meeting.eventId).length;
    const statuses = new Map<number, number>();
    for (const meeting of meetings) statuses.set(meeting.lastStatus, (statuses.get(meeting.lastStatus) ?? 0) + 1);
    log(
      `  worker killed ${killReport.kills} times (restart to "worker started": median ` +
        `${median(killReport.restartSeconds).toFixed(1)} s, max ${Math.max(0, ...killReport.restartSeconds).toFixed(1)} s); ` +
        `exits on its own: ${killReport.ownExits.length}; failed starts: ${killReport.failedStarts}`,
    );
    log(
      `  provider-side changes: ${changes.created} created, ${changes.updated} retitled, ${changes.deleted} deleted` +
        (changes.skipped ? ` (${changes.skipped} found nothing to change)` : ''),
    );
    log(
      `  meetings: ${meetings.length} requested, ${answered} answered 201, final answers ` +
        `${[...statuses].map(([status, n]) => `${status || 'none'}: ${n}`).join(', ')}; ` +
        `${meetings.reduce((sum, meeting) => sum + meeting.attempts, 0)} requests in all (retries with the same key)`,
    );
    const answersOtherThan201 = new Map<string, number>();
    for (const failure of meetings.flatMap((meeting) => meeting.failures))
      answersOtherThan201.set(failure, (answersOtherThan201.get(failure) ?? 0) + 1);
    const otherAnswers = [...answersOtherThan201].map(([what, n]) => `${n} x ${what}`);
    log(`  meeting answers other than 201, all attempts: ${otherAnswers.join(', ') || 'none'}`);

    // 3. Settle.
    const rounds = await settle(service, connected, SETTLE_MINUTES * 60_000);
    const described = rounds.map((round, i) => `sync round ${i + 1} ${round.seconds.toFixed(0)} s (${round.unsettled} not synced)`);
    log(`  settle: ${described.join(', ')}`);
    const lastReminderDue = Math.max(0, ...meetings.map((meeting) => meeting.start - REMINDER_LEAD_MINUTES * 60_000));
    const expectedReminders = meetings.filter((meeting) => meeting.eventId).map((meeting) => meeting.eventId!);
    const arrived = await pollUntil(
      async () => {
        const notified = await db.notification.count({ where: { type: 'calendar.pre_meeting', eventId: { in: expectedReminders } } });
        const hooked = new Set(receiver.received.filter((w) => w.parsed.type === 'reminder.due').map((w) => String(w.parsed.data.eventId)));
        return Date.now() >= lastReminderDue && notified >= expectedReminders.length && expectedReminders.every((id) => hooked.has(id));
      },
      (done) => done,
      { timeoutMs: Math.max(0, lastReminderDue - Date.now()) + REMINDER_BOUND_MS, intervalMs: 2_000 },
    );
    await sleep(DUPLICATE_GRACE_MS);
    log(`  reminders ${arrived.ok ? 'all arrived' : 'NOT all arrived'} ${secondsSince(runStart).toFixed(0)} s into the run`);

    // 4. The checks.
    const calendars = await checkCalendars(db, service.google, connected);
    const meetingCheck = checkMeetings(service.google, meetings);
    const reminders = await checkReminders(db, meetings, receiver.received);
    const unsettled = rounds[rounds.length - 1]!.unsettled;
    log(`  calendars: ${connected.length - calendars.diverged}/${connected.length} equal their rows`);
    for (const example of calendars.examples) log(`    diverged: ${example}`);
    log(`  meetings: ${meetingCheck.duplicated} created twice at the provider, ${meetingCheck.lost} answered 201 but missing there`);
    for (const example of meetingCheck.examples) log(`    ${example}`);
    log(
      `  reminders for ${reminders.expected} meetings: notifications missing ${reminders.notificationsMissing}, duplicated ` +
        `${reminders.notificationsDuplicated}; reminder.due webhooks (distinct webhook-ids per meeting) missing ` +
        `${reminders.webhooksMissing}, duplicated ${reminders.webhooksDuplicated}; same webhook-id redelivered ` +
        `${reminders.webhookRedeliveries} times (allowed)`,
    );
    for (const example of reminders.examples) log(`    ${example}`);
    const problems = service.worker.problems();
    if (problems.length) log(`  the last worker logged ${problems.length} warnings/errors, first: ${problems[0]!.slice(0, 300)}`);

    const remindersMissing = Math.max(reminders.notificationsMissing, reminders.webhooksMissing);
    const remindersDuplicated = Math.max(reminders.notificationsDuplicated, reminders.webhooksDuplicated);
    if (connected.length < CONNECTIONS) failures.push(`only ${connected.length} of ${CONNECTIONS} accounts connected`);
    if (killReport.kills < WORKER_KILLS) failures.push(`only ${killReport.kills} of ${WORKER_KILLS} worker kills happened`);
    if (restartReport.answeringAfterSeconds === undefined) failures.push('no workflow answered after the Temporal restart');
    if (killReport.ownExits.length) failures.push(`the worker exited by itself ${killReport.ownExits.length} times`);
    if (unsettled) failures.push(`${unsettled} connections did not sync within ${SETTLE_MINUTES} min after the chaos`);
    if (calendars.diverged) failures.push(`${calendars.diverged} calendars differ from their rows`);
    if (meetingCheck.duplicated) failures.push(`${meetingCheck.duplicated} meetings created twice`);
    if (meetingCheck.lost) failures.push(`${meetingCheck.lost} meetings answered 201 are not at the provider`);
    if (remindersMissing) failures.push(`${remindersMissing} reminders missing`);
    if (remindersDuplicated) failures.push(`${remindersDuplicated} reminders delivered more than once`);
    log(`  ${machineLine()}; whole run ${(secondsSince(runStart) / 60).toFixed(1)} min`);
    log(failures.length ? `FAILED: ${failures.join('; ')}` : 'PASSED: every property held');
    log(`RESULT chaos_calendars_diverged ${calendars.diverged} calendars`);
    log(`RESULT chaos_connections_unsettled ${unsettled} connections`);
    log(`RESULT chaos_duplicate_meetings ${meetingCheck.duplicated} meetings`);
    log(`RESULT chaos_meetings_lost ${meetingCheck.lost} meetings`);
    log(`RESULT chaos_reminders_missing ${remindersMissing} reminders`);
    log(`RESULT chaos_reminders_duplicated ${remindersDuplicated} reminders`);
    log(`RESULT chaos_worker_kills ${killReport.kills} kills`);
    log(`RESULT chaos_temporal_restarts 1 restarts`);
    log(`RESULT chaos_wall_time ${(secondsSince(runStart) / 60).toFixed(1)} min`);
  } finally {
    stopFaults();
    await receiver.close();
    await service.close();
  }
  // runBenchmark exits 1 on an error: a property that failed is one.
  if (failures.length) throw new Error(`chaos: ${failures.join('; ')}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
}

runBenchmark(main);
