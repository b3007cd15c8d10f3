// events.watch / channels.stop and the webhook deliveries of the Google fake. Deliveries are coalesced per
// channel per tick (Google also batches), retried on 500/502/503/504, and stop at the channel's expiration.

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { sendEmpty, sendJson } from '../http/body';
import { badRequest, notFound, required, sendGoogleError } from './errors';
import type { Calendar } from './store';

export interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  calendarId: string;
  ownerEmail: string;
  address: string;
  token?: string;
  expiration: number;
  messageNumber: number;
  pending: boolean;
}

/** Watch channels as plain JSON, for the sandbox state file. */
export type PushChannelsState = Array<Omit<Channel, 'pending'>>;

const DEFAULT_TTL_SECONDS = 604_800;
const MAX_TTL_MS = 30 * 86_400_000;
const RETRY_DELAYS_MS = [200, 1000, 3000];
const RETRY_STATUSES = new Set([500, 502, 503, 504]);

export class PushChannels {
  private readonly channels = new Map<string, Channel>();
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly baseUrl: () => string,
    /** Accept http:// addresses on loopback hosts (the local API serves http); Google accepts https only. */
    private readonly allowLoopbackHttp = false,
  ) {}

  exportState(): PushChannelsState {
    return [...this.channels.values()].map(({ pending: _pending, ...channel }) => channel);
  }

  importState(state: PushChannelsState): void {
    this.channels.clear();
    for (const channel of state) this.channels.set(channel.id, { ...channel, pending: false });
  }

  list(email: string): Channel[] {
    const now = Date.now();
    return [...this.channels.values()].filter((channel) => channel.ownerEmail === email.toLowerCase() && channel.expiration > now);
  }

  watch(calendar: Calendar, body: unknown, res: ServerResponse): void {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof input.id !== 'string' || input.id === '') return required(res, 'Missing channel id.');
    if (!/^[A-Za-z0-9\-_+/=]{1,64}$/.test(input.id)) return badRequest(res, 'Invalid channel id.');
    if (input.type !== 'web_hook' && input.type !== 'webhook') return badRequest(res, 'Invalid channel type.');
    if (typeof input.address !== 'string') return required(res, 'WebHook callback must have an address.');
    let address: URL;
    try {
      address = new URL(input.address);
    } catch {
      return badRequest(res, 'Invalid WebHook address.');
    }
    // Google requires https (400 push.webhookUrlNotHttps); with allowLoopbackHttp the fake also takes http on loopback.
    const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(address.hostname);
    if (address.protocol !== 'https:' && !(address.protocol === 'http:' && this.allowLoopbackHttp && loopback)) {
      return sendGoogleError(res, 400, {
        domain: 'global',
        reason: 'push.webhookUrlNotHttps',
        message: `WebHook callback must be HTTPS: ${input.address}`,
      });
    }
    if (input.token !== undefined && (typeof input.token !== 'string' || input.token.length > 256))
      return badRequest(res, 'Invalid channel token.');
    if (this.channels.has(input.id)) {
      return sendGoogleError(res, 400, { reason: 'channelIdNotUnique', message: `Channel id ${input.id} not unique` });
    }
    const now = Date.now();
    const params = (input.params ?? {}) as { ttl?: unknown };
    const ttlMs = (params.ttl !== undefined ? Number(params.ttl) : DEFAULT_TTL_SECONDS) * 1000;
    const requested = input.expiration !== undefined ? Number(input.expiration) : now + ttlMs;
    const expiration = Math.min(Number.isFinite(requested) ? requested : now + ttlMs, now + MAX_TTL_MS);

    const channel: Channel = {
      id: input.id,
      resourceId: calendar.resourceId,
      resourceUri: `${this.baseUrl()}/calendar/v3/calendars/${encodeURIComponent(calendar.id)}/events?alt=json`,
      calendarId: calendar.id,
      ownerEmail: calendar.ownerEmail,
      address: address.toString(),
      ...(typeof input.token === 'string' ? { token: input.token } : {}),
      expiration,
      messageNumber: 0,
      pending: false,
    };
    this.channels.set(channel.id, channel);
    this.deliver(channel, 'sync');
    sendJson(res, 200, {
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token !== undefined ? { token: channel.token } : {}),
      expiration: String(channel.expiration),
    });
  }

  stop(body: unknown, ownerEmail: string, res: ServerResponse): void {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const channel = typeof input.id === 'string' ? this.channels.get(input.id) : undefined;
    if (!channel || channel.resourceId !== input.resourceId || channel.ownerEmail !== ownerEmail) return notFound(res);
    this.channels.delete(channel.id);
    sendEmpty(res, 204);
  }

  /** Called by the store on every change: one `exists` message per watching channel per tick. */
  notifyChange(calendar: Calendar): void {
    for (const channel of this.channels.values()) {
      if (channel.calendarId !== calendar.id || channel.pending) continue;
      channel.pending = true;
      setImmediate(() => {
        channel.pending = false;
        if (this.channels.get(channel.id) === channel) this.deliver(channel, 'exists');
      });
    }
  }

  private deliver(channel: Channel, state: 'sync' | 'exists'): void {
    if (this.closed) return;
    if (channel.expiration <= Date.now()) {
      this.channels.delete(channel.id);
      return;
    }
    const messageNumber = channel.messageNumber === 0 ? 1 : channel.messageNumber + 1;
    channel.messageNumber = messageNumber;
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Message-Number': String(messageNumber),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-State': state,
      'X-Goog-Resource-URI': channel.resourceUri,
      'X-Goog-Channel-Expiration': new Date(channel.expiration).toUTCString(),
      'Content-Length': '0',
    };
    if (channel.token !== undefined) headers['X-Goog-Channel-Token'] = channel.token;
    const task = this.send(channel.address, headers).finally(() => this.inflight.delete(task));
    this.inflight.add(task);
  }

  private async send(address: string, headers: Record<string, string>): Promise<void> {
    // The fake never generates traffic beyond this machine: a channel to another host is kept but not called.
    if (!/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(new URL(address).hostname)) return;
    for (let attempt = 0; ; attempt += 1) {
      let status: number;
      try {
        const response = await fetch(address, { method: 'POST', headers, body: '', signal: AbortSignal.timeout(5000) });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = 503; // unreachable receiver: treated like a retryable answer
      }
      if (!RETRY_STATUSES.has(status) || attempt >= RETRY_DELAYS_MS.length || this.closed) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
  }

  newChannelId(): string {
    return randomUUID();
  }
}
