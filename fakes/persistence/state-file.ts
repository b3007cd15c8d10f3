// A sandbox fake's state on disk, so `npm start` can stop and start again without every connection needing a
// reconnect. Writes are atomic (a temp file renamed over the old one) and throttled: a change schedules one
// write a little later, however many follow it; close() writes whatever is pending.
import fs from 'node:fs';
import path from 'node:path';

const FORMAT = 'calendar-sync-sandbox-state';
const VERSION = 1;

export interface StateFileOptions {
  /** Which fake wrote the file: a file of the other fake is refused. */
  provider: 'google' | 'microsoft';
  /** How long a change waits before it is written (default 1 s). */
  delayMs?: number;
  /** Told about a write that failed or an unreadable file set aside; default: console.warn. */
  warn?: (message: string) => void;
}

export class StateFile<T> {
  private timer: NodeJS.Timeout | undefined;
  private snapshot: (() => T) | undefined;
  private readonly warn: (message: string) => void;

  constructor(
    readonly file: string,
    private readonly options: StateFileOptions,
  ) {
    this.warn = options.warn ?? ((message) => console.warn(message));
  }

  /**
   * The saved state, or undefined when there is none. A file that cannot be read as this fake's state is moved
   * aside (`<file>.unreadable-<time>`), never overwritten, and the fake starts empty.
   */
  read(): T | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const saved = JSON.parse(text) as { format?: unknown; version?: unknown; provider?: unknown; state?: T };
      if (saved.format === FORMAT && saved.version === VERSION && saved.provider === this.options.provider && saved.state) {
        return saved.state;
      }
    } catch {
      // fall through: unreadable
    }
    const aside = `${this.file}.unreadable-${Date.now()}`;
    fs.renameSync(this.file, aside);
    this.warn(`sandbox state ${this.file} is not a ${this.options.provider} sandbox state; moved to ${aside}, starting empty`);
    return undefined;
  }

  /** Where the state to save comes from (set once the fake is built). */
  track(snapshot: () => T): void {
    this.snapshot = snapshot;
  }

  /** Something changed: write soon. */
  changed(): void {
    if (this.timer || !this.snapshot) return;
    this.timer = setTimeout(() => this.flush(), this.options.delayMs ?? 1000);
    this.timer.unref();
  }

  /** Writes a pending change now. */
  flush(): void {
    if (!this.timer || !this.snapshot) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      writeAtomically(
        this.file,
        JSON.stringify({ format: FORMAT, version: VERSION, provider: this.options.provider, state: this.snapshot() }),
      );
    } catch (error) {
      this.warn(`could not save the sandbox state to ${this.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Writes now, changed or not (the fake is closing). */
  close(): void {
    this.changed();
    this.flush();
  }
}

/** Writes to a temp file next to `file` and renames it over `file`: readers see the old or the new, never half. */
function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  // Refresh tokens and access tokens live in here: readable by the owner only.
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}
