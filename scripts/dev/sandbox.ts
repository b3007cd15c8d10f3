// Which sandbox providers `npm start` runs: one per provider that has no real OAuth client configured.
// The Microsoft sandbox serves HTTPS (the Graph client only sends tokens over https) with a CA kept under
// the data folder; the API and worker get it through NODE_EXTRA_CA_CERTS. Each sandbox keeps its accounts,
// grants, calendars, events, sync positions and push channels in <data>/sandbox/<provider>.json across restarts.
import path from 'node:path';

export interface SandboxProcess {
  name: 'google' | 'microsoft';
  entry: string;
  url: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** Variables the worker and API need to use this sandbox. */
  clientEnv: NodeJS.ProcessEnv;
}

export function sandboxPlan(dataDir: string, env: NodeJS.ProcessEnv): SandboxProcess[] {
  const plan: SandboxProcess[] = [];
  // Production never talks to a sandbox (providers/catalog.ts offers only configured providers there).
  if (env.NODE_ENV === 'production') return plan;
  if (!env.GOOGLE_CALENDAR_CLIENT_ID) {
    const port = Number(env.GOOGLE_FAKE_PORT ?? 4010);
    const url = `http://127.0.0.1:${port}`;
    plan.push({
      name: 'google',
      entry: 'fakes/google/main.ts',
      url,
      port,
      env: { GOOGLE_FAKE_PORT: String(port), SANDBOX_STATE_FILE: path.join(dataDir, 'sandbox', 'google.json') },
      clientEnv: { SANDBOX_GOOGLE_URL: url },
    });
  }
  if (!env.MICROSOFT_CALENDAR_CLIENT_ID) {
    const port = Number(env.MICROSOFT_FAKE_PORT ?? 4011);
    const url = `https://127.0.0.1:${port}`;
    const tlsDir = path.join(dataDir, 'sandbox-tls');
    plan.push({
      name: 'microsoft',
      entry: 'fakes/microsoft/main.ts',
      url,
      port,
      env: {
        MICROSOFT_FAKE_PORT: String(port),
        SANDBOX_TLS_DIR: tlsDir,
        SANDBOX_STATE_FILE: path.join(dataDir, 'sandbox', 'microsoft.json'),
      },
      clientEnv: { SANDBOX_MICROSOFT_URL: url, SANDBOX_TLS_DIR: tlsDir, NODE_EXTRA_CA_CERTS: path.join(tlsDir, 'ca.pem') },
    });
  }
  return plan;
}
