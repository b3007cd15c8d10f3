// The credential vault: secrets stored envelope-encrypted in pf_credentials (see vault/envelope.ts).
//
// Callers keep only the credential id (e.g. ce_calendar_connections.refresh_token_credential_id) and ask
// the vault for the secret when they need it. Nothing here logs; errors are VaultErrors naming ids only;
// a Vault prints as its key ids, never its keys.

import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { open, rewrap, seal, type SealContext, type SealedSecret } from './envelope';
import { VaultError, type VaultErrorCode } from './errors';
import type { Keyring } from './keyring';

export const CREDENTIAL_KINDS = ['access_token', 'refresh_token', 'oauth_client_secret', 'webhook_secret', 'service_account_key'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Prisma's Bytes type (Prisma 7 hands back and accepts Uint8Array). */
type Bytes = Uint8Array<ArrayBuffer>;

interface CredentialRow {
  id: string;
  organizationId: string | null;
  kind: string;
  keyId: string;
  wrappedKey: Bytes;
  ciphertext: Bytes;
  iv: Bytes;
  authTag: Bytes;
}

interface SealedColumns {
  keyId: string;
  wrappedKey: Bytes;
  ciphertext: Bytes;
  iv: Bytes;
  authTag: Bytes;
}

/**
 * The part of a Prisma client the vault uses, written structurally so that the SQLite client, the
 * PostgreSQL client and an interactive-transaction client (`tx` in `db.$transaction(async (tx) => ...)`)
 * all fit without the vault depending on where the generated clients live.
 */
export interface VaultDb {
  credential: {
    create(args: { data: SealedColumns & { id: string; kind: string; organizationId: string | null } }): PromiseLike<unknown>;
    findUnique(args: { where: { id: string } }): PromiseLike<CredentialRow | null>;
    findMany(args: {
      where: { keyId: { not: string }; id?: { gt: string } };
      orderBy: { id: 'asc' };
      take: number;
    }): PromiseLike<CredentialRow[]>;
    updateMany(args: {
      where: { id: string; keyId?: string; kind?: string; organizationId?: string | null; wrappedKey?: { equals: Bytes } };
      data: Partial<SealedColumns> & { rewrappedAt?: Date | null };
    }): PromiseLike<{ count: number }>;
    deleteMany(args: { where: { id: string } }): PromiseLike<{ count: number }>;
    count(args: { where: { keyId: string } }): PromiseLike<number>;
    groupBy(args: { by: ['keyId']; _count: { _all: true } }): PromiseLike<Array<{ keyId: string; _count: { _all: number } }>>;
  };
}

/** A sealed credential row, ready to insert into pf_credentials. */
export type SealedCredentialRow = SealedColumns & { id: string; kind: string; organizationId: string | null };

export interface RewrapProgress {
  rewrapped: number;
  /** Rows looked at so far that were not under the current key. */
  scanned: number;
}

export interface RewrapFailure {
  credentialId: string;
  keyId: string;
  code: VaultErrorCode;
}

export interface RewrapResult {
  /** Rows whose data key this run moved to the current key. */
  rewrapped: number;
  /** Rows that were already under the current key (at the start, or replaced meanwhile). */
  alreadyCurrent: number;
  /** Rows that could not be re-wrapped (unknown key id, tampered): they still need the old key. */
  failed: RewrapFailure[];
}

export class Vault {
  readonly #db: VaultDb;
  readonly #keyring: Keyring;

  constructor(db: VaultDb, keyring: Keyring) {
    this.#db = db;
    this.#keyring = keyring;
  }

  /** The same vault on another client, e.g. inside `db.$transaction(async (tx) => vault.using(tx).put(...))`. */
  using(db: VaultDb): Vault {
    return new Vault(db, this.#keyring);
  }

  get currentKeyId(): string {
    return this.#keyring.currentKeyId;
  }

  /** Encrypts and stores a secret; returns the new credential id. */
  async put(input: { kind: CredentialKind; organizationId: string | null; secret: string }): Promise<string> {
    checkKind(input.kind);
    checkSecret(input.secret);
    // The id is chosen here, not by the database, because it is part of the ciphertext's AAD.
    const ctx: SealContext = { credentialId: randomUUID(), kind: input.kind, organizationId: input.organizationId };
    const sealed = seal(this.#keyring, ctx, input.secret);
    await this.#db.credential.create({
      data: { id: ctx.credentialId, kind: ctx.kind, organizationId: ctx.organizationId, ...columns(sealed) },
    });
    return ctx.credentialId;
  }

  /**
   * Encrypts several secrets as credential rows for the caller to insert in one statement (a bulk move such as
   * the vault migration); nothing is stored here. Each row's id is part of its ciphertext's AAD.
   */
  sealMany(inputs: Array<{ kind: CredentialKind; organizationId: string | null; secret: string }>): SealedCredentialRow[] {
    return inputs.map((input) => {
      checkKind(input.kind);
      checkSecret(input.secret);
      const ctx: SealContext = { credentialId: randomUUID(), kind: input.kind, organizationId: input.organizationId };
      return {
        id: ctx.credentialId,
        kind: ctx.kind,
        organizationId: ctx.organizationId,
        ...columns(seal(this.#keyring, ctx, input.secret)),
      };
    });
  }

  /** Decrypts a stored secret. Throws VaultError not_found / unknown_key / tampered. */
  async get(credentialId: string): Promise<string> {
    const row = await this.#db.credential.findUnique({ where: { id: credentialId } });
    if (!row) throw notFound(credentialId);
    return open(this.#keyring, contextOf(row), row);
  }

  /** Replaces a stored secret in place (e.g. a rotated refresh token): new data key, current master key. */
  async replace(credentialId: string, secret: string): Promise<void> {
    checkSecret(secret);
    const row = await this.#db.credential.findUnique({ where: { id: credentialId } });
    if (!row) throw notFound(credentialId);
    const sealed = seal(this.#keyring, contextOf(row), secret);
    // kind and organization are part of the AAD: only update the row if they are still what was sealed for.
    const { count } = await this.#db.credential.updateMany({
      where: { id: credentialId, kind: row.kind, organizationId: row.organizationId },
      data: { ...columns(sealed), rewrappedAt: null },
    });
    if (count !== 1) throw notFound(credentialId);
  }

  /** Deletes a credential. Idempotent (safe for retried activities): returns false when it was already gone. */
  async delete(credentialId: string): Promise<boolean> {
    const { count } = await this.#db.credential.deleteMany({ where: { id: credentialId } });
    return count > 0;
  }

  /**
   * Re-wraps every data key that is not under the current master key, `batchSize` rows at a time. Only
   * key_id and wrapped_key change; the secrets' ciphertexts are untouched. Each row is updated on its own,
   * conditionally on still holding the wrap that was read, so a run can be interrupted and re-run at any
   * point and never overwrites a concurrent replace(). Rows that fail are reported in `failed` and left
   * as they were; the run goes on with the others.
   */
  async rewrapAll(options: { batchSize?: number; onBatch?: (progress: RewrapProgress) => void } = {}): Promise<RewrapResult> {
    const batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    const current = this.#keyring.currentKeyId;
    let alreadyCurrent = await this.#db.credential.count({ where: { keyId: current } });
    let rewrapped = 0;
    let scanned = 0;
    const failed: RewrapFailure[] = [];
    let after: string | undefined;
    for (;;) {
      // Keyset pagination on id: terminates even when rows are skipped (failed or raced).
      const rows = await this.#db.credential.findMany({
        where: { keyId: { not: current }, ...(after !== undefined ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: batchSize,
      });
      if (rows.length === 0) break;
      for (const row of rows) {
        scanned += 1;
        let next: { keyId: string; wrappedKey: Buffer };
        try {
          next = rewrap(this.#keyring, contextOf(row), row);
        } catch (err) {
          if (!(err instanceof VaultError)) throw err;
          failed.push({ credentialId: row.id, keyId: row.keyId, code: err.code });
          continue;
        }
        const { count } = await this.#db.credential.updateMany({
          where: { id: row.id, keyId: row.keyId, wrappedKey: { equals: row.wrappedKey } },
          data: { keyId: next.keyId, wrappedKey: bytes(next.wrappedKey), rewrappedAt: new Date() },
        });
        if (count === 1) rewrapped += 1;
        else alreadyCurrent += 1; // replaced (hence under the current key) or deleted meanwhile
      }
      after = rows[rows.length - 1]!.id;
      options.onBatch?.({ rewrapped, scanned });
    }
    return { rewrapped, alreadyCurrent, failed };
  }

  /** How many credentials each master key wraps: an old key may be removed once its count is 0. */
  async countByKeyId(): Promise<Record<string, number>> {
    const groups = await this.#db.credential.groupBy({ by: ['keyId'], _count: { _all: true } });
    const counts: Record<string, number> = {};
    for (const group of groups) counts[group.keyId] = group._count._all;
    return counts;
  }

  toJSON(): { currentKeyId: string; keyIds: string[] } {
    return this.#keyring.toJSON();
  }

  [inspect.custom](): string {
    return `Vault { currentKeyId: '${this.#keyring.currentKeyId}', keyIds: [${this.#keyring
      .keyIds()
      .map((id) => `'${id}'`)
      .join(', ')}] }`;
  }
}

/** A copy on its own ArrayBuffer, the exact type Prisma's Bytes columns take. */
function bytes(buf: Uint8Array): Bytes {
  return new Uint8Array(buf);
}

function columns(sealed: SealedSecret): SealedColumns {
  return {
    keyId: sealed.keyId,
    wrappedKey: bytes(sealed.wrappedKey),
    ciphertext: bytes(sealed.ciphertext),
    iv: bytes(sealed.iv),
    authTag: bytes(sealed.authTag),
  };
}

function contextOf(row: { id: string; kind: string; organizationId: string | null }): SealContext {
  return { credentialId: row.id, kind: row.kind, organizationId: row.organizationId };
}

function notFound(credentialId: string): VaultError {
  return new VaultError('not_found', `credential ${credentialId} not found`, { credentialId });
}

function checkKind(kind: string): void {
  if (!(CREDENTIAL_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`credential kind must be one of ${CREDENTIAL_KINDS.join(', ')}`);
  }
}

function checkSecret(secret: unknown): void {
  // The message never includes the value.
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('secret must be a non-empty string');
}
