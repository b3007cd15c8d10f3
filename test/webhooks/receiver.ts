// A CRM's webhook receiver for the tests: a local HTTP server that records every request (headers and raw
// body) and answers what the test says. Signatures are verified with an implementation of the Standard
// Webhooks spec written here from the spec text (HMAC-SHA256 over "id.timestamp.body", key = the base64
// part of whsec_...), independent of the library the service signs with.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  parsed: { type: string; timestamp: string; data: Record<string, any> };
  receivedAt: number;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** What to answer the next requests (default 204); a delay holds the answer that long. */
  answer(next: (webhook: ReceivedWebhook) => { status: number; delayMs?: number }): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  let answer: (webhook: ReceivedWebhook) => { status: number; delayMs?: number } = () => ({ status: 204 });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const webhook: ReceivedWebhook = {
        id: String(request.headers['webhook-id'] ?? ''),
        timestamp: String(request.headers['webhook-timestamp'] ?? ''),
        signature: String(request.headers['webhook-signature'] ?? ''),
        body,
        parsed: JSON.parse(body) as ReceivedWebhook['parsed'],
        receivedAt: Date.now(),
      };
      received.push(webhook);
      const { status, delayMs } = answer(webhook);
      setTimeout(() => response.writeHead(status).end(), delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer: (next) => void (answer = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** True when one of the `v1,` signatures in the header is the HMAC of the message under `secret`. */
export function verifyStandardWebhook(secret: string, webhook: Pick<ReceivedWebhook, 'id' | 'timestamp' | 'signature' | 'body'>): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${webhook.id}.${webhook.timestamp}.${webhook.body}`).digest();
  return webhook.signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
