// Runnable Microsoft sandbox: `tsx fakes/microsoft/main.ts`. Listens on MICROSOFT_FAKE_PORT (default 4011)
// with a CA kept under SANDBOX_TLS_DIR (default .data/sandbox-tls), so clients set up to trust it once
// (NODE_EXTRA_CA_CERTS=<dir>/ca.pem) keep working across restarts; its state is kept in a file as well
// (fakes/persistence/sandbox-state-path.ts says where).
import path from 'node:path';
import { sandboxStatePath } from '../persistence/sandbox-state-path';
import { loadOrCreateSandboxCa } from '../tls/certificate-authority';
import { SANDBOX_MICROSOFT_CLIENT, startMicrosoftFake } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.MICROSOFT_FAKE_PORT ?? 4011);
  const dir = path.resolve(process.env.SANDBOX_TLS_DIR ?? '.data/sandbox-tls');
  const tls = await loadOrCreateSandboxCa(dir);
  const clients: Array<{ clientId: string; clientSecret: string }> = [SANDBOX_MICROSOFT_CLIENT];
  if (process.env.MICROSOFT_SANDBOX_CLIENT_ID && process.env.MICROSOFT_SANDBOX_CLIENT_SECRET) {
    clients.push({ clientId: process.env.MICROSOFT_SANDBOX_CLIENT_ID, clientSecret: process.env.MICROSOFT_SANDBOX_CLIENT_SECRET });
  }
  const stateFile = sandboxStatePath('microsoft');
  const fake = await startMicrosoftFake({
    port,
    host: process.env.MICROSOFT_FAKE_HOST ?? '127.0.0.1',
    tls,
    clients,
    // The local API serves http: the sandbox accepts loopback http notification URLs unless told to behave like Graph.
    allowLoopbackHttp: process.env.FAKE_ALLOW_LOOPBACK_HTTP !== '0',
    ...(stateFile ? { stateFile } : {}),
  });
  console.log(
    `Microsoft fake listening on ${fake.baseUrl} (authority ${fake.endpoints.authorityUrl}, CA ${tls.caCertificatePath}, ` +
      `state: ${stateFile ?? 'in memory only'})`,
  );
  const stop = () => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('Microsoft fake failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
