// Push notifications ask a connection's workflow to sync; many notifications for one connection within a
// short time ask once. The first in a quiet period signals at once; later ones within `gapMs` are folded
// into one trailing signal at the end of the gap, so a change notified mid-gap is still synced after it.
// Per API process (replicas each fold their own share); the workflow coalesces again (sync-pacing.ts).
export class SignalCoalescer {
  readonly #lastSent = new Map<string, number>();
  readonly #trailing = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly send: (connectionId: string) => Promise<void>,
    private readonly gapMs: number,
  ) {}

  /** Asks for a sync of the connection; resolves when any immediate signal went out. */
  async request(connectionId: string, now = Date.now()): Promise<'sent' | 'folded'> {
    const last = this.#lastSent.get(connectionId);
    if (last === undefined || now - last >= this.gapMs) {
      this.#lastSent.set(connectionId, now);
      this.#forgetLater(connectionId);
      await this.send(connectionId);
      return 'sent';
    }
    if (!this.#trailing.has(connectionId)) {
      const timer = setTimeout(
        () => {
          this.#trailing.delete(connectionId);
          this.#lastSent.set(connectionId, Date.now());
          this.send(connectionId).catch(() => undefined);
        },
        last + this.gapMs - now,
      );
      timer.unref();
      this.#trailing.set(connectionId, timer);
    }
    return 'folded';
  }

  /** Connections quiet for a while are forgotten, so the map stays as small as the set of active ones. */
  #forgetLater(connectionId: string): void {
    setTimeout(() => {
      const last = this.#lastSent.get(connectionId);
      if (last !== undefined && Date.now() - last >= this.gapMs && !this.#trailing.has(connectionId)) this.#lastSent.delete(connectionId);
    }, this.gapMs * 2).unref();
  }

  close(): void {
    for (const timer of this.#trailing.values()) clearTimeout(timer);
    this.#trailing.clear();
  }
}
