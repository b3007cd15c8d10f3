// The sandbox fakes keep their state in a file: after a restart the grant still refreshes, the old access
// token still works, and an incremental sync from a cursor taken before the restart returns exactly the changes
// made since (before and after the restart), through the production adapters.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startGoogleFake, type GoogleFake } from '../../fakes/google';
import { startMicrosoftFake, type MicrosoftFake } from '../../fakes/microsoft';
import { createTestCertificateAuthority } from '../../fakes/tls/certificate-authority';
import { createGoogleProvider } from '../../providers/google';
import { createMicrosoftProvider } from '../../providers/microsoft';
import type { EventChange } from '../../domain/events';
import type { CalendarProvider, SyncPosition } from '../../providers/types';
import { freePort } from '../../scripts/lib/free-port';
import { unmeteredAuth } from '../../providers/unmetered';

const DAY_MS = 86_400_000;
const redirectUri = 'http://127.0.0.1:3000/oauth/callback';

interface Setup {
  start(stateFile: string): Promise<GoogleFake | MicrosoftFake>;
  provider(fake: GoogleFake | MicrosoftFake): CalendarProvider;
  client: { clientId: string; clientSecret: string };
}

async function googleSetup(): Promise<Setup> {
  const port = await freePort();
  const client = { clientId: 'persist.apps.googleusercontent.com', clientSecret: 'persist-secret' };
  return {
    client,
    start: async (stateFile) => {
      const fake = await startGoogleFake({ port, stateFile });
      fake.registerClient(client.clientId, client.clientSecret);
      return fake;
    },
    provider: (fake) => createGoogleProvider((fake as GoogleFake).endpoints, { timeoutMs: 10_000 }),
  };
}

async function microsoftSetup(): Promise<Setup> {
  // Delta links are absolute URLs and the adapter trusts one CA: the sandbox keeps both across restarts.
  const port = await freePort();
  const tls = await createTestCertificateAuthority();
  const client = { clientId: 'persist-microsoft-client', clientSecret: 'persist-microsoft-secret' };
  return {
    client,
    start: (stateFile) => startMicrosoftFake({ port, tls, stateFile, clients: [client] }),
    provider: (fake) =>
      createMicrosoftProvider((fake as MicrosoftFake).endpoints, {
        ca: (fake as MicrosoftFake).caCertificate,
        timeoutMs: 10_000,
        syncWindow: { daysBack: 7, daysAhead: 30 },
      }),
  };
}

const timed = (title: string, days: number) => {
  const start = Math.floor(Date.now() / DAY_MS) * DAY_MS + days * DAY_MS + 10 * 3_600_000;
  return {
    title,
    start: { kind: 'dateTime' as const, dateTime: new Date(start).toISOString(), timeZone: 'Europe/Berlin' },
    end: { kind: 'dateTime' as const, dateTime: new Date(start + 3_600_000).toISOString(), timeZone: 'Europe/Berlin' },
  };
};

async function syncAll(provider: CalendarProvider, accessToken: string, calendarId: string, position: SyncPosition | null) {
  const changes: EventChange[] = [];
  for (;;) {
    const page = await provider.fetchChanges(unmeteredAuth(accessToken), { calendarId, position });
    changes.push(...page.changes);
    if (page.next.kind === 'done') return { changes, cursor: page.next.cursor };
    position = page.next.position;
  }
}

const titles = (changes: EventChange[]) =>
  changes
    .flatMap((c) => (c.type === 'upsert' ? [c.event.title] : []))
    .filter(Boolean)
    .sort();

async function waitForFile(file: string, contains: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(contains))) {
    if (Date.now() > deadline) throw new Error(`${file} never held ${contains}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each([
  ['google', googleSetup],
  ['microsoft', microsoftSetup],
] as const)('%s sandbox state file', (_name, makeSetup) => {
  let dir: string;
  let fake: GoogleFake | MicrosoftFake | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-state-'));
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the grant, the events and the sync position across a restart', async () => {
    const setup = await makeSetup();
    const stateFile = path.join(dir, 'sandbox', 'state.json');
    fake = await setup.start(stateFile);
    expect(fake.stateFile).toBe(stateFile);
    let provider = setup.provider(fake);

    const email = `persist-${randomBytes(3).toString('hex')}@example.com`;
    const calendarId = fake.ensureAccount(email);
    const verifier = randomBytes(48).toString('base64url');
    const url = provider.buildAuthorizationUrl(setup.client, {
      state: 'st',
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      redirectUri,
      loginHint: email,
    });
    const { code } = await fake.authorize(url, email);
    const tokens = await provider.exchangeCode(setup.client, { code, codeVerifier: verifier, redirectUri });
    // The account's stable identifier survives the restart too.
    const identityOf = () => provider.getAccountIdentity(setup.client, { ...unmeteredAuth(tokens.accessToken), idToken: tokens.idToken });
    const subjectBefore = (await identityOf()).subject;
    const created = await provider.createEvent(unmeteredAuth(tokens.accessToken), {
      calendarId,
      idempotencyKey: `persist-${randomBytes(4).toString('hex')}`,
      event: timed('Before restart', 2),
    });
    const full = await syncAll(provider, tokens.accessToken, calendarId, null);
    expect(titles(full.changes)).toEqual(['Before restart']);

    fake.updateEventAsProvider(email, created.externalId, { title: 'Renamed before restart' });
    // Saved soon after a change, not only on close (a crash loses at most the last moment).
    await waitForFile(stateFile, 'Renamed before restart');
    await fake.close();
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(stateFile))).toEqual(['state.json']); // no temp file left behind
    // In-process clients learn that their pooled connections were closed on the next turns of the event loop
    // (a real restart takes far longer than that).
    await new Promise((resolve) => setTimeout(resolve, 50));

    fake = await setup.start(stateFile);
    provider = setup.provider(fake);
    const identity = await identityOf();
    expect(identity.email.toLowerCase()).toBe(email);
    expect(identity.subject).toBe(subjectBefore);
    const refreshed = await provider.refresh(setup.client, tokens.refreshToken!);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    fake.seedEvent(email, timed('After restart', 3));

    const incremental = await syncAll(provider, refreshed.accessToken, calendarId, full.cursor);
    expect(titles(incremental.changes)).toEqual(['After restart', 'Renamed before restart']);
    expect((await syncAll(provider, refreshed.accessToken, calendarId, incremental.cursor)).changes).toEqual([]);
  });

  it('sets an unreadable state file aside and starts empty instead of overwriting it', async () => {
    const setup = await makeSetup();
    const stateFile = path.join(dir, 'state.json');
    fs.writeFileSync(stateFile, '{"not": "a sandbox state"');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      fake = await setup.start(stateFile);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('moved to'));
    } finally {
      warn.mockRestore();
    }
    const aside = fs.readdirSync(dir).filter((name) => name.startsWith('state.json.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe('{"not": "a sandbox state"');
    expect(fake.listEvents('nobody@example.com')).toEqual([]);
  });
});
