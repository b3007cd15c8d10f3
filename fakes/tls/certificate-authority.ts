// A throw-away certificate authority for the local HTTPS fakes. The Microsoft Graph client only sends the
// Authorization header to https:// hosts (PROVIDERS.md), so the Graph fake must speak TLS with a certificate
// that Node clients can be told to trust.
//
// How a Node client trusts it (checked in test/providers/microsoft-tls.test.ts):
// - In-process: pass an undici `Agent({ connect: { ca } })` as `dispatcher` in fetch options. The Graph client
//   3.x calls the global `fetch` (Node's built-in undici) with its `fetchOptions`, and Node 20's fetch honours
//   a `dispatcher` option, including an Agent from the `undici` npm package (see trustingDispatcher below).
// - Separate processes (the sandbox started by `npm start`): set NODE_EXTRA_CA_CERTS to the CA PEM file
//   before the process starts; Node reads it once at start-up for every TLS client, fetch included.
import fs from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface TestCertificateAuthority {
  /** CA certificate (PEM): what clients must trust. */
  caCertificate: string;
  caKey: string;
  /** Server certificate for localhost / 127.0.0.1 / ::1, signed by the CA. */
  serverCertificate: string;
  serverKey: string;
}

const DAY_MS = 86_400_000;

async function createCa(): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const ca = await generate([{ name: 'commonName', value: 'Calendar Sync Sandbox Test CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 3650 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private };
}

async function createServerCertificate(ca: { cert: string; key: string }): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    // Well under the 398-day limit some TLS clients enforce for leaf certificates.
    notAfterDate: new Date(notBeforeDate.getTime() + 365 * DAY_MS),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: server.cert, key: server.private };
}

/** A fresh CA and server certificate, kept in memory (tests). */
export async function createTestCertificateAuthority(): Promise<TestCertificateAuthority> {
  const ca = await createCa();
  const server = await createServerCertificate(ca);
  return { caCertificate: ca.cert, caKey: ca.key, serverCertificate: server.cert, serverKey: server.key };
}

const FILES = { caCertificate: 'ca.pem', caKey: 'ca-key.pem', serverCertificate: 'server.pem', serverKey: 'server-key.pem' } as const;

/**
 * The sandbox CA persisted as PEM files under `dir` (created on first use, reused afterwards, so a browser or
 * NODE_EXTRA_CA_CERTS set up once keeps working across restarts). The server certificate is re-issued when it
 * is missing or within 30 days of expiry.
 */
export async function loadOrCreateSandboxCa(dir: string): Promise<TestCertificateAuthority & { caCertificatePath: string }> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  const read = (name: string) => (fs.existsSync(file(name)) ? fs.readFileSync(file(name), 'utf8') : undefined);
  const write = (name: string, pem: string, mode: number) => fs.writeFileSync(file(name), pem, { mode });

  let caCertificate = read(FILES.caCertificate);
  let caKey = read(FILES.caKey);
  let regenerateServer = false;
  if (!caCertificate || !caKey) {
    const ca = await createCa();
    caCertificate = ca.cert;
    caKey = ca.key;
    write(FILES.caCertificate, caCertificate, 0o644);
    write(FILES.caKey, caKey, 0o600);
    regenerateServer = true;
  }
  let serverCertificate = read(FILES.serverCertificate);
  let serverKey = read(FILES.serverKey);
  if (serverCertificate && !regenerateServer) {
    const { X509Certificate } = await import('node:crypto');
    const leaf = new X509Certificate(serverCertificate);
    const expiresSoon = new Date(leaf.validTo).getTime() - Date.now() < 30 * DAY_MS;
    regenerateServer = expiresSoon || !leaf.verify(new X509Certificate(caCertificate).publicKey);
  }
  if (!serverCertificate || !serverKey || regenerateServer) {
    const server = await createServerCertificate({ cert: caCertificate, key: caKey });
    serverCertificate = server.cert;
    serverKey = server.key;
    write(FILES.serverCertificate, serverCertificate, 0o644);
    write(FILES.serverKey, serverKey, 0o600);
  }
  return { caCertificate, caKey, serverCertificate, serverKey, caCertificatePath: file(FILES.caCertificate) };
}
