// npm run bench:sync — full-sync throughput of each provider adapter against its in-process fake:
// 10,000 events in one account, read (a) through the adapter's fetchChanges loop and (b) as raw pages
// with plain fetch (the baseline: what the wire alone costs). Prints events/s, the ratio and peak RSS.
// Knobs: --events N (BENCH_EVENTS), --page-size N (BENCH_PAGE_SIZE, both providers, default 500),
// --rounds N (BENCH_ROUNDS, default 3: passes alternate adapter/baseline, the median time is reported).

import { createHash, randomBytes } from 'node:crypto';

import { startGoogleFake } from '../../fakes/google';
import { startMicrosoftFake } from '../../fakes/microsoft';
import { createTrustingDispatcher } from '../../fakes/tls/trusting-dispatcher';
import type { FakeProviderControl } from '../../fakes/types';
import { createGoogleProvider } from '../../providers/google';
import { createMicrosoftProvider } from '../../providers/microsoft';
import type { CalendarProvider } from '../../providers/types';
import { formatMiB, machineLine, now, sampleOwnRss, secondsSince } from '../lib/measure';
import { numberOption } from '../lib/options';
import { seedSingleEvents } from '../lib/sandbox-calendar';
import { unmeteredAuth } from '../../providers/unmetered';

const EVENT_COUNT = numberOption('events', 'BENCH_EVENTS', 10_000);
const PAGE_SIZE = numberOption('page-size', 'BENCH_PAGE_SIZE', 500);
/** Adapter and baseline passes alternate this many times; the median of each is reported (first pass is cold). */
const ROUNDS = numberOption('rounds', 'BENCH_ROUNDS', 3);
const EMAIL = 'bench.user@example.com';
const CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret' };
const REDIRECT = 'http://127.0.0.1:9/callback';
const DAY_MS = 86_400_000;
/** The Microsoft adapter's default sync window; the baseline asks Graph for the same one. */
const GRAPH_WINDOW = { daysBack: 90, daysAhead: 365 };

interface BenchTarget {
  name: string;
  fake: FakeProviderControl;
  provider: CalendarProvider;
  /** Reads every page of a full listing with plain fetch; returns the number of items. */
  baseline(accessToken: string, calendarId: string): Promise<number>;
  close(): Promise<void>;
}

async function googleTarget(): Promise<BenchTarget> {
  const fake = await startGoogleFake();
  return {
    name: 'google',
    fake,
    provider: createGoogleProvider(fake.endpoints, { pageSize: PAGE_SIZE }),
    async baseline(accessToken, calendarId) {
      let count = 0;
      let pageToken: string | undefined;
      do {
        const url = new URL(`/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`, fake.baseUrl);
        url.searchParams.set('maxResults', String(PAGE_SIZE));
        url.searchParams.set('singleEvents', 'false');
        if (pageToken) url.searchParams.set('pageToken', pageToken);
        const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
        if (!response.ok) throw new Error(`baseline page failed with HTTP ${response.status}`);
        const body = (await response.json()) as { items: unknown[]; nextPageToken?: string };
        count += body.items.length;
        pageToken = body.nextPageToken;
      } while (pageToken);
      return count;
    },
    close: () => fake.close(),
  };
}

async function microsoftTarget(): Promise<BenchTarget> {
  const fake = await startMicrosoftFake();
  // The fake serves HTTPS with a test CA: both the adapter and the raw loop trust exactly that CA.
  const dispatcher = createTrustingDispatcher(fake.caCertificate);
  return {
    name: 'microsoft',
    fake,
    provider: createMicrosoftProvider(fake.endpoints, { ca: fake.caCertificate, pageSize: PAGE_SIZE, syncWindow: GRAPH_WINDOW }),
    async baseline(accessToken) {
      // Same request the adapter starts with: calendarView/delta over the same window, then @odata.nextLink
      // (absolute https URLs) until the page that carries @odata.deltaLink.
      const start = new Date(Date.now() - GRAPH_WINDOW.daysBack * DAY_MS).toISOString();
      const end = new Date(Date.now() + GRAPH_WINDOW.daysAhead * DAY_MS).toISOString();
      let url: string | undefined =
        `${fake.baseUrl}/v1.0/me/calendar/calendarView/delta` +
        `?startDateTime=${encodeURIComponent(start)}&endDateTime=${encodeURIComponent(end)}`;
      let count = 0;
      while (url) {
        const response = await fetch(url, {
          headers: { authorization: `Bearer ${accessToken}`, prefer: `odata.maxpagesize=${PAGE_SIZE}` },
          // Node 20's fetch accepts an undici dispatcher; the DOM RequestInit type does not declare it.
          dispatcher,
        } as unknown as RequestInit);
        if (!response.ok) throw new Error(`baseline page failed with HTTP ${response.status}`);
        const body = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
        count += body.value.length;
        url = body['@odata.nextLink'];
      }
      return count;
    },
    async close() {
      await dispatcher.close();
      await fake.close();
    },
  };
}

async function connect(target: BenchTarget): Promise<string> {
  target.fake.registerClient(CLIENT.clientId, CLIENT.clientSecret);
  const verifier = randomBytes(40).toString('base64url');
  const url = target.provider.buildAuthorizationUrl(CLIENT, {
    state: 'bench',
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    redirectUri: REDIRECT,
    loginHint: EMAIL,
  });
  const { code } = await target.fake.authorize(url, EMAIL);
  return (await target.provider.exchangeCode(CLIENT, { code, codeVerifier: verifier, redirectUri: REDIRECT })).accessToken;
}

async function run(target: BenchTarget): Promise<void> {
  const rss = sampleOwnRss();
  const { calendarId, seeded } = seedSingleEvents(target.fake, EMAIL, EVENT_COUNT);
  const accessToken = await connect(target);

  const adapterPass = async (): Promise<{ count: number; pages: number; seconds: number }> => {
    const start = now();
    let count = 0;
    let pages = 0;
    let position: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<CalendarProvider['fetchChanges']>> = await target.provider.fetchChanges(unmeteredAuth(accessToken), {
        calendarId,
        position,
      });
      count += page.changes.length;
      pages += 1;
      if (page.next.kind === 'done') break;
      position = page.next.position;
    }
    return { count, pages, seconds: secondsSince(start) };
  };
  const baselinePass = async (): Promise<{ count: number; seconds: number }> => {
    const start = now();
    const count = await target.baseline(accessToken, calendarId);
    return { count, seconds: secondsSince(start) };
  };
  const adapterRuns: Array<{ count: number; pages: number; seconds: number }> = [];
  const baselineRuns: Array<{ count: number; seconds: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    adapterRuns.push(await adapterPass());
    baselineRuns.push(await baselinePass());
  }
  const median = <T extends { seconds: number }>(runs: T[]): T =>
    [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
  const { count: adapterCount, pages, seconds: adapterSeconds } = median(adapterRuns);
  const { count: baselineCount, seconds: baselineSeconds } = median(baselineRuns);
  const slowest = (runs: Array<{ seconds: number }>) => Math.max(...runs.map((r) => r.seconds)).toFixed(2);

  const adapterRate = adapterCount / adapterSeconds;
  const baselineRate = baselineCount / baselineSeconds;
  console.log(
    `${target.name}: seeded ${seeded} single events, ${pages} pages of up to ${PAGE_SIZE}, median of ${ROUNDS} alternating passes`,
  );
  console.log(
    `  adapter  : ${adapterCount} events in ${adapterSeconds.toFixed(2)} s = ${adapterRate.toFixed(0)} events/s ` +
      `(slowest pass ${slowest(adapterRuns)} s)`,
  );
  console.log(
    `  baseline : ${baselineCount} events in ${baselineSeconds.toFixed(2)} s = ${baselineRate.toFixed(0)} events/s ` +
      `(slowest pass ${slowest(baselineRuns)} s)`,
  );
  console.log(`  ratio    : adapter runs at ${(adapterRate / baselineRate).toFixed(2)}x the raw fetch rate`);
  console.log(`  peak RSS : ${formatMiB(rss.peak())} (whole process: fake + client, sampled every 20 ms)`);
  rss.stop();
}

async function main(): Promise<void> {
  console.log(`bench:sync — ${new Date().toISOString()} — ${EVENT_COUNT} events, loopback fakes in-process — ${machineLine()}`);
  for (const start of [googleTarget, microsoftTarget]) {
    const target = await start();
    try {
      await run(target);
    } catch (error) {
      console.log(`${target.name}: failed (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      await target.close().catch(() => undefined);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
