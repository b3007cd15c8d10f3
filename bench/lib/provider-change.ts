// One provider-side change timed until its row is in the database: an event created at the Google fake (which
// sends the push notification), then the database polled every 5 ms for the row.
import { millisSince, now, pollUntil } from './measure';
import type { BenchService } from './service';

/** Milliseconds from the change at the provider to its row, or undefined when not seen within `timeoutMs`. */
export async function timeProviderChange(
  service: BenchService,
  target: { email: string; connectionId: string },
  title: string,
  timeoutMs: number,
): Promise<number | undefined> {
  const start = new Date(Date.now() + 3_600_000);
  const t0 = now();
  const externalEventId = service.google.seedEvent(target.email, {
    title,
    start: { kind: 'dateTime', dateTime: start.toISOString(), timeZone: 'UTC' },
    end: { kind: 'dateTime', dateTime: new Date(start.getTime() + 1_800_000).toISOString(), timeZone: 'UTC' },
  });
  const seen = await pollUntil(
    () => service.deps.db.calendarEvent.findFirst({ where: { connectionId: target.connectionId, externalEventId }, select: { id: true } }),
    (row) => row !== null,
    { timeoutMs, intervalMs: 5 },
  );
  return seen.ok ? millisSince(t0) : undefined;
}
