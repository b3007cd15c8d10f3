// Seeds an account of a running sandbox provider (started by `npm start`) with a realistic calendar:
// hundreds of events over past and coming months, recurring series with cancelled and moved occurrences,
// all-day and multi-day events, several time zones, attendees with responses.
//
//   npm run sandbox:seed -- --provider google --email alice@example.com [--count 300] [--seed 1]
//
// A connected calendar picks the events up on its next sync (or at once: POST /v1/connections/:id/sync).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { generateSandboxCalendar } from '../../fakes/sandbox-calendar';
import { createTrustingDispatcher } from '../../fakes/tls/trusting-dispatcher';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      provider: { type: 'string' },
      email: { type: 'string' },
      count: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
    },
  });
  const provider = values.provider;
  const email = values.email;
  const count = Number(values.count);
  if (provider !== 'google' && provider !== 'microsoft') throw new Error('--provider must be google or microsoft');
  if (!email || !email.includes('@')) throw new Error('--email must be the sandbox account to seed, e.g. alice@example.com');
  if (!Number.isInteger(count) || count < 1 || count > 20_000) throw new Error('--count must be a whole number from 1 to 20000');

  const config = loadConfig();
  const baseUrl =
    provider === 'google'
      ? (process.env.SANDBOX_GOOGLE_URL ?? 'http://127.0.0.1:4010')
      : (process.env.SANDBOX_MICROSOFT_URL ?? 'https://127.0.0.1:4011');
  const dispatcher =
    provider === 'microsoft'
      ? createTrustingDispatcher(
          readFileSync(path.join(process.env.SANDBOX_TLS_DIR ?? path.join(config.DATA_DIR, 'sandbox-tls'), 'ca.pem'), 'utf8'),
        )
      : undefined;
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${baseUrl}/__fake/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(dispatcher ? { dispatcher } : {}),
    } as RequestInit);
    if (!response.ok) throw new Error(`sandbox ${provider} answered ${response.status} to ${route}: ${await response.text()}`);
    return response.json() as Promise<{ ids?: string[] }>;
  };

  const events = generateSandboxCalendar({ now: new Date(), count, seed: Number(values.seed) });
  await post(`accounts/${encodeURIComponent(email)}`, {});
  const { ids = [] } = await post(`accounts/${encodeURIComponent(email)}/events`, { events });
  console.log(
    `seeded ${ids.length} events (${events.filter((event) => event.recurrence).length} recurring series) ` +
      `into the ${provider} sandbox account ${email}`,
  );
}

main().catch((error: unknown) => {
  console.error(`sandbox:seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
