// The sandbox calendar generator: deterministic, varied, and loadable into the Google fake end to end.

import { randomBytes, createHash } from 'node:crypto';

import { startGoogleFake } from '../../fakes/google';
import { generateSandboxCalendar } from '../../fakes/sandbox-calendar';
import { createGoogleProvider } from '../../providers/google';
import { unmeteredAuth } from '../../providers/unmetered';

const now = new Date('2030-03-15T12:00:00Z');

describe('generateSandboxCalendar', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateSandboxCalendar({ now, seed: 7 })).toEqual(generateSandboxCalendar({ now, seed: 7 }));
    expect(generateSandboxCalendar({ now, seed: 7 })).not.toEqual(generateSandboxCalendar({ now, seed: 8 }));
  });

  it('mixes series with exceptions, all-day and multi-day events, zones and attendee responses', () => {
    const seeds = generateSandboxCalendar({ now, count: 400 });
    expect(seeds).toHaveLength(400);
    const series = seeds.filter((s) => s.recurrence);
    expect(series.length).toBeGreaterThanOrEqual(4);
    expect(series.some((s) => s.exceptions?.some((e) => e.cancelled))).toBe(true);
    expect(series.some((s) => s.exceptions?.some((e) => e.patch?.start))).toBe(true);
    const allDay = seeds.filter((s) => s.start.kind === 'date');
    expect(allDay.length).toBeGreaterThan(10);
    expect(
      allDay.some(
        (s) => s.start.kind === 'date' && s.end.kind === 'date' && Date.parse(s.end.date) - Date.parse(s.start.date) > 86_400_000,
      ),
    ).toBe(true);
    const zones = new Set(seeds.flatMap((s) => (s.start.kind === 'dateTime' ? [s.start.timeZone] : [])));
    expect(zones.size).toBeGreaterThanOrEqual(4);
    const responses = new Set(seeds.flatMap((s) => s.attendees ?? []).map((a) => a.response));
    expect([...responses].sort()).toEqual(['accepted', 'declined', 'needsAction', 'tentative']);
    const starts = seeds.map((s) => Date.parse(s.start.kind === 'date' ? s.start.date : s.start.dateTime));
    expect(Math.min(...starts)).toBeLessThan(now.getTime() - 30 * 86_400_000);
    expect(Math.max(...starts)).toBeGreaterThan(now.getTime() + 30 * 86_400_000);
  });

  it('loads into the Google fake and syncs back completely through the adapter', async () => {
    const fake = await startGoogleFake();
    try {
      const client = { clientId: 'sandbox-test', clientSecret: 'sandbox-test-secret' };
      fake.registerClient(client.clientId, client.clientSecret);
      const provider = createGoogleProvider(fake.endpoints);
      const email = 'sandbox.user@example.com';
      const seeds = generateSandboxCalendar({ now: new Date(), count: 300, seed: 3 });
      const ids = fake.seedEvents(email, seeds);
      const verifier = randomBytes(40).toString('base64url');
      const url = provider.buildAuthorizationUrl(client, {
        state: 's',
        codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
        redirectUri: 'http://127.0.0.1:9/cb',
        loginHint: email,
      });
      const { code } = await fake.authorize(url, email);
      const { accessToken } = await provider.exchangeCode(client, { code, codeVerifier: verifier, redirectUri: 'http://127.0.0.1:9/cb' });

      const seen = new Set<string>();
      let position: string | null = null;
      for (;;) {
        const page: Awaited<ReturnType<typeof provider.fetchChanges>> = await provider.fetchChanges(unmeteredAuth(accessToken), {
          calendarId: email,
          position,
        });
        for (const change of page.changes) seen.add(change.type === 'upsert' ? change.event.externalId : change.externalId);
        if (page.next.kind === 'done') break;
        position = page.next.position;
      }
      const exceptions = seeds.reduce((n, s) => n + (s.exceptions?.length ?? 0), 0);
      expect(seen.size).toBe(ids.length + exceptions);
    } finally {
      await fake.close();
    }
  });
});
