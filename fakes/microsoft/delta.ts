// calendarView delta rounds. A round's items are computed once when it starts (a full listing, or the diff
// between what the previous round delivered and what the window holds now) and then served page by page
// through $skiptoken links, so 10,000+ events page in O(page) per request. The last page carries a
// $deltatoken remembering what was delivered (id -> changeKey): an event edited, added, deleted, or moved
// out of the window shows up in the next round, the last two as `@removed: {reason: "deleted"}`, as Graph
// does. Graph's state tokens are opaque and encode the window; here they are keys to server-side state.
import { randomBytes } from 'node:crypto';
import { GraphHttpError } from './graph-errors';
import type { GraphEvent } from './event-resource';
import type { Account, StoredEvent } from './model';
import type { MicrosoftStore } from './store';
import { stored } from './stored-events';

interface DeltaState {
  email: string;
  calendarId: string | undefined;
  startMs: number;
  endMs: number;
  generation: number;
  delivered: Map<string, string>;
  /** The store's change sequence when the round was computed (absent in older state files). */
  seq?: number;
}

export type DeltaItem = { kind: 'upsert'; event: StoredEvent } | { kind: 'removed'; id: string };

interface Round {
  state: DeltaState;
  items: DeltaItem[];
  createdAt: number;
}

type SavedState = Omit<DeltaState, 'delivered'> & { delivered: Array<[id: string, changeKey: string]> };

/** Delta tokens and unfinished rounds as plain JSON, for the sandbox state file. */
export interface DeltaEngineState {
  tokens: Array<[token: string, state: SavedState]>;
  rounds: Array<{
    id: string;
    state: SavedState;
    createdAt: number;
    items: Array<{ kind: 'upsert'; json: GraphEvent; calendarId: string } | { kind: 'removed'; id: string }>;
  }>;
}

const save = (s: DeltaState): SavedState => ({ ...s, delivered: [...s.delivered] });
const load = (s: SavedState): DeltaState => ({ ...s, delivered: new Map(s.delivered) });

const MAX_TOKENS_PER_ACCOUNT = 200;
const MAX_ROUNDS = 500;
const newToken = () => randomBytes(18).toString('base64url');

export class DeltaEngine {
  private readonly tokens = new Map<string, DeltaState>();
  private readonly rounds = new Map<string, Round>();

  constructor(private readonly store: MicrosoftStore) {}

  exportState(): DeltaEngineState {
    return {
      tokens: [...this.tokens].map(([token, state]) => [token, save(state)]),
      rounds: [...this.rounds].map(([id, round]) => ({
        id,
        state: save(round.state),
        createdAt: round.createdAt,
        items: round.items.map((item) =>
          item.kind === 'upsert' ? { kind: 'upsert', json: item.event.json, calendarId: item.event.calendarId } : item,
        ),
      })),
    };
  }

  /** Replaces every token and round with a saved state: delta and next links issued before a restart still work. */
  importState(state: DeltaEngineState): void {
    this.tokens.clear();
    for (const [token, saved] of state.tokens) this.tokens.set(token, load(saved));
    this.rounds.clear();
    for (const round of state.rounds) {
      this.rounds.set(round.id, {
        state: load(round.state),
        createdAt: round.createdAt,
        items: round.items.map((item) => (item.kind === 'upsert' ? { kind: 'upsert', event: stored(item.json, item.calendarId) } : item)),
      });
    }
  }

  /** Initial request: a full listing of the window. */
  startRound(account: Account, calendarId: string | undefined, startMs: number, endMs: number): string {
    const items = this.store.viewItems(account, calendarId, startMs, endMs);
    const delivered = new Map(items.map((e) => [e.json.id, e.json.changeKey]));
    return this.saveRound({
      state: {
        email: account.email,
        calendarId,
        startMs,
        endMs,
        generation: account.syncGeneration,
        delivered,
        seq: this.store.currentSeq(),
      },
      items: items.map((event) => ({ kind: 'upsert', event })),
      createdAt: Date.now(),
    });
  }

  /** A $deltatoken request: what changed since the round that issued it. */
  resumeRound(account: Account, deltaToken: string, initialUrl: (state: DeltaState) => string): string {
    const state = this.tokens.get(deltaToken);
    if (!state || state.email !== account.email) {
      throw new GraphHttpError(
        410,
        'syncStateNotFound',
        'The sync state generation is not found or has expired. Please do initial sync again.',
      );
    }
    if (state.generation !== account.syncGeneration) {
      throw new GraphHttpError(410, 'resyncRequired', 'Resync required. Replace any local cached data with a full synchronization.', {
        Location: initialUrl(state),
      });
    }
    const current = this.store.viewItems(account, state.calendarId, state.startMs, state.endMs);
    const delivered = new Map(current.map((e) => [e.json.id, e.json.changeKey]));
    const items: DeltaItem[] = [];
    for (const event of current) {
      if (state.delivered.get(event.json.id) !== event.json.changeKey) items.push({ kind: 'upsert', event });
    }
    for (const id of state.delivered.keys()) if (!delivered.has(id)) items.push({ kind: 'removed', id });
    // Graph also reports events added or updated OUTSIDE the window as @removed (event-delta reference): the
    // client must not read every @removed as a deletion of something it holds.
    if (state.seq !== undefined) {
      for (const [id, seq] of this.store.calendar(account, state.calendarId).changedAt) {
        if (seq > state.seq && !delivered.has(id) && !state.delivered.has(id)) items.push({ kind: 'removed', id });
      }
    }
    return this.saveRound({ state: { ...state, delivered, seq: this.store.currentSeq() }, items, createdAt: Date.now() });
  }

  /** One page of a round. `skipToken` is `${roundId}.${offset}`. */
  page(account: Account, skipToken: string, pageSize: number): { items: DeltaItem[]; nextSkipToken?: string; deltaToken?: string } {
    const [roundId = '', offsetText = '0'] = skipToken.split('.');
    const round = this.rounds.get(roundId);
    if (!round || round.state.email !== account.email || round.state.generation !== account.syncGeneration) {
      throw new GraphHttpError(
        410,
        'syncStateNotFound',
        'The sync state generation is not found or has expired. Please do initial sync again.',
      );
    }
    const offset = Number(offsetText) || 0;
    const items = round.items.slice(offset, offset + pageSize);
    if (offset + pageSize < round.items.length) return { items, nextSkipToken: `${roundId}.${offset + pageSize}` };
    this.rounds.delete(roundId);
    return { items, deltaToken: this.saveToken(round.state) };
  }

  private saveRound(round: Round): string {
    const id = newToken();
    this.rounds.set(id, round);
    while (this.rounds.size > MAX_ROUNDS) this.rounds.delete(this.rounds.keys().next().value as string);
    return `${id}.0`;
  }

  private saveToken(state: DeltaState): string {
    const token = newToken();
    this.tokens.set(token, state);
    const mine = [...this.tokens].filter(([, s]) => s.email === state.email);
    for (const [old] of mine.slice(0, Math.max(0, mine.length - MAX_TOKENS_PER_ACCOUNT))) this.tokens.delete(old);
    return token;
  }
}
