// Runnable sandbox: `tsx fakes/google/main.ts` starts the Google fake on GOOGLE_FAKE_PORT (default 4010),
// keeping its state in a file across restarts (fakes/persistence/sandbox-state-path.ts says where).

import { sandboxStatePath } from '../persistence/sandbox-state-path';
import { GOOGLE_SANDBOX_CLIENT, startGoogleFake } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.GOOGLE_FAKE_PORT ?? 4010);
  const stateFile = sandboxStatePath('google');
  const fake = await startGoogleFake({
    port,
    host: process.env.GOOGLE_FAKE_HOST ?? '127.0.0.1',
    // The local API serves http: the sandbox accepts loopback http watch addresses unless told to behave like Google.
    allowLoopbackHttp: process.env.FAKE_ALLOW_LOOPBACK_HTTP !== '0',
    ...(stateFile ? { stateFile } : {}),
  });
  process.stdout.write(
    `Google fake listening on ${fake.baseUrl} (sandbox OAuth client id: ${GOOGLE_SANDBOX_CLIENT.clientId}, ` +
      `state: ${stateFile ?? 'in memory only'})\n`,
  );
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
