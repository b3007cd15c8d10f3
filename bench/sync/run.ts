// npm run bench:sync — full-sync throughput of each provider adapter against its in-process fake:
// 10,000 events in one account, read (a) through the adapter's fetchChanges loop and (b) as raw pages
// with plain fetch (the baseline: what the wire alone costs). Prints events/s, the ratio and peak RSS.
// Google always; Microsoft when fakes/microsoft and providers/microsoft provide their entry points.

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { startGoogleFake } from '../../fakes/google';
import { generateSandboxCalendar } from '../../fakes/sandbox-calendar';
import type { FakeProviderControl } from '../../fakes/types';
import { createGoogleProvider } from '../../providers/google';
import type { CalendarProvider } from '../../providers/types';

const EVENT_COUNT = Number(process.env.BENCH_EVENTS ?? 10_000);
const EMAIL = 'bench.user@example.com';
const CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret' };
const REDIRECT = 'http://127.0.0.1:9/callback';

interface BenchTarget {
  name: string;
  fake: FakeProviderControl;
  provider: CalendarProvider;
  /** Reads every page of a full listing with plain fetch; returns the number of items. */
  baseline(accessToken: string, calendarId: string): Promise<number>;
}

let peakRss = 0;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

async function googleTarget(): Promise<BenchTarget> {
  const fake = await startGoogleFake();
  return {
    name: 'google',
    fake,
    provider: createGoogleProvider(fake.endpoints, { pageSize: 500 }),
    async baseline(accessToken, calendarId) {
      let count = 0;
      let pageToken: string | undefined;
      do {
        const url = new URL(`/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`, fake.baseUrl);
        url.searchParams.set('maxResults', '500');
        url.searchParams.set('singleEvents', 'false');
        if (pageToken) url.searchParams.set('pageToken', pageToken);
        const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
        const body = (await response.json()) as { items: unknown[]; nextPageToken?: string };
        count += body.items.length;
        pageToken = body.nextPageToken;
      } while (pageToken);
      return count;
    },
  };
}

/** Microsoft, only if its fake and adapter exist (built in parallel by another engineer). */
async function microsoftTarget(): Promise<BenchTarget | undefined> {
  const root = path.resolve(__dirname, '../..');
  if (!fs.existsSync(path.join(root, 'fakes/microsoft/server.ts')) || !fs.existsSync(path.join(root, 'providers/microsoft/index.ts'))) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fakeModule = require('../../fakes/microsoft/server') as { startMicrosoftFake?: () => Promise<FakeProviderControl & { endpoints: unknown; caCertificate?: string }> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const providerModule = require('../../providers/microsoft') as { createMicrosoftProvider?: (endpoints: unknown, options?: unknown) => CalendarProvider };
  if (!fakeModule.startMicrosoftFake || !providerModule.createMicrosoftProvider) return undefined;
  const fake = await fakeModule.startMicrosoftFake();
  const provider = providerModule.createMicrosoftProvider(fake.endpoints, { caCertificate: fake.caCertificate });
  return {
    name: 'microsoft',
    fake,
    provider,
    // The Graph baseline needs the fake's CA and delta window details; the adapter pass still measures it.
    baseline: async () => Number.NaN,
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
  const calendarId = target.fake.ensureAccount(EMAIL);
  // Single events only, so adapter and baseline count the same items.
  const seeds = generateSandboxCalendar({ now: new Date(), count: EVENT_COUNT, seed: 42 }).filter((seed) => !seed.recurrence);
  target.fake.seedEvents(EMAIL, seeds);
  const accessToken = await connect(target);

  const adapterStart = process.hrtime.bigint();
  let adapterCount = 0;
  let position: string | null = null;
  for (;;) {
    const page: Awaited<ReturnType<CalendarProvider['fetchChanges']>> = await target.provider.fetchChanges({ accessToken }, { calendarId, position });
    adapterCount += page.changes.length;
    if (page.next.kind === 'done') break;
    position = page.next.position;
  }
  const adapterSeconds = Number(process.hrtime.bigint() - adapterStart) / 1e9;

  const baselineStart = process.hrtime.bigint();
  const baselineCount = await target.baseline(accessToken, calendarId);
  const baselineSeconds = Number(process.hrtime.bigint() - baselineStart) / 1e9;

  const adapterRate = adapterCount / adapterSeconds;
  const baselineRate = baselineCount / baselineSeconds;
  console.log(`${target.name}: seeded ${seeds.length} events`);
  console.log(`  adapter  : ${adapterCount} events in ${adapterSeconds.toFixed(2)} s = ${adapterRate.toFixed(0)} events/s`);
  if (Number.isNaN(baselineCount)) console.log('  baseline : not available for this provider');
  else {
    console.log(`  baseline : ${baselineCount} events in ${baselineSeconds.toFixed(2)} s = ${baselineRate.toFixed(0)} events/s`);
    console.log(`  ratio    : adapter runs at ${(adapterRate / baselineRate).toFixed(2)}x the raw fetch rate`);
  }
  await target.fake.close();
}

async function main(): Promise<void> {
  const targets: BenchTarget[] = [await googleTarget()];
  try {
    const microsoft = await microsoftTarget();
    if (microsoft) targets.push(microsoft);
    else console.log('microsoft: skipped (fake or adapter entry point not present)');
  } catch (error) {
    console.log(`microsoft: skipped (${error instanceof Error ? error.message : String(error)})`);
  }
  for (const target of targets) {
    try {
      await run(target);
    } catch (error) {
      console.log(`${target.name}: failed (${error instanceof Error ? error.message : String(error)})`);
      await target.fake.close().catch(() => undefined);
    }
  }
  clearInterval(rssTimer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
