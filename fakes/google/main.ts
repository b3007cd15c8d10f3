// Runnable sandbox: `tsx fakes/google/main.ts` starts the Google fake on GOOGLE_FAKE_PORT (default 4010).

import { GOOGLE_SANDBOX_CLIENT, startGoogleFake } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.GOOGLE_FAKE_PORT ?? 4010);
  const fake = await startGoogleFake({ port, host: process.env.GOOGLE_FAKE_HOST ?? '127.0.0.1' });
  process.stdout.write(`Google fake listening on ${fake.baseUrl} (sandbox OAuth client id: ${GOOGLE_SANDBOX_CLIENT.clientId})\n`);
  const stop = (): void => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Google fake failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
