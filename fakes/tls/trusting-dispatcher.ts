// An undici dispatcher that trusts one extra CA besides Node's default roots, for in-process clients of the
// HTTPS fakes: `fetch(url, { dispatcher })`. Node 20's global fetch accepts an Agent from the `undici` package.
import tls from 'node:tls';
import { Agent } from 'undici';

export function createTrustingDispatcher(caCertificate: string): Agent {
  return new Agent({ connect: { ca: [...tls.rootCertificates, caCertificate] } });
}
