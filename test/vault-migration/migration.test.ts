// The vault migration workflow on the real stack (Temporal dev server, SQLite, worker, fakes): 10,000 legacy
// rows moved with the worker killed twice mid-way, one migration per organization however often it is
// started, a failing row reported (and its token kept), idempotent re-runs, and running connection
// workflows that keep syncing through the switch from the legacy columns to the vault.
import { insertLegacyConnections, revertToLegacy } from '../../scripts/legacy/legacy-rows';
import { readVaultMigration, startVaultMigration } from '../../clients/vault-migration';
import { statusQuery, syncNowSignal } from '../../workflows/connection/messages';
import { progressQuery, vaultMigrationWorkflowId, type VaultMigrationProgress } from '../../workflows/vault-migration/messages';
import { connectSandboxAccount } from '../helpers/connect';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const HOUR = 3_600_000;

describe('vault migration workflow', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const start = (organizationId: string | null, extra: { batchesPerRun?: number } = {}) =>
    startVaultMigration({ temporal: stack.temporal, taskQueue: stack.taskQueue }, { organizationId, ...extra });
  const progress = (organizationId: string | null) =>
    stack.temporal.workflow.getHandle(vaultMigrationWorkflowId(organizationId)).query(progressQuery);
  const result = (organizationId: string | null) =>
    stack.temporal.workflow.getHandle(vaultMigrationWorkflowId(organizationId)).result() as Promise<VaultMigrationProgress>;

  /** Every text cell of the tables that could hold a token, searched for a plaintext marker. */
  async function plaintextCells(marker: string): Promise<number> {
    const tables = ['ce_calendar_connections', 'pf_credentials', 'ce_oauth_clients', 'ce_oauth_states'];
    let found = 0;
    for (const table of tables) {
      const rows = await stack.deps.db.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT * FROM ${table}`);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : '';
          if (text.includes(marker)) found += 1;
        }
      }
    }
    return found;
  }

  it('moves 10,000 legacy rows with the worker killed twice mid-way: every token in the vault once, none left in plaintext', async () => {
    const org = 'bulk-org';
    const tokens = new Map<string, { accessToken: string; refreshToken: string }>();
    const tokenOf = (index: number) => ({
      accessToken: `legacy-at-${index}-${Math.random().toString(36).slice(2)}`,
      refreshToken: `legacy-rt-${index}-${Math.random().toString(36).slice(2)}`,
    });
    const generated: Array<{ accessToken: string; refreshToken: string }> = [];
    const ids = await insertLegacyConnections(stack.deps.db, {
      organizationId: org,
      count: 10_000,
      tokens: (index) => (generated[index] = tokenOf(index)),
    });
    ids.forEach((id, index) => tokens.set(id, generated[index]!));
    expect(await stack.deps.db.calendarConnection.count({ where: { organizationId: org, migrationRequired: true } })).toBe(10_000);

    const startedAt = Date.now();
    // Three starts at once: Temporal lets exactly one run.
    const starts = await Promise.all([start(org), start(org), start(org)]);
    expect(starts.filter((s) => !s.alreadyRunning)).toHaveLength(1);
    expect(new Set(starts.map((s) => s.workflowId))).toEqual(new Set(['vault-migration:bulk-org']));

    // Kill the worker twice while batches run (after ~60 and ~200 batches of 25).
    for (const atBatch of [60, 200]) {
      await waitFor(
        () => progress(org),
        (p) => p.batches >= atBatch,
        { timeoutMs: 120_000, intervalMs: 100, what: `batch ${atBatch}` },
      );
      await stack.stopWorker();
      // Still exactly one run for the organization while the worker is down.
      expect((await start(org)).alreadyRunning).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await stack.startWorker();
    }
    const final = await result(org);
    const elapsedMs = Date.now() - startedAt;
    console.log(`vault migration of 10,000 legacy rows (2 worker kills): ${(elapsedMs / 1000).toFixed(1)} s, ${final.batches} batches`);

    expect(final.done).toBe(true);
    expect(final.pending).toBe(0);
    expect(final.failed).toEqual([]);
    // Exact although killed workers' batches are retried: a retry counts what its lost attempt moved.
    expect(final.migrated).toBe(10_000);

    const db = stack.deps.db;
    expect(await db.calendarConnection.count({ where: { organizationId: org, migrationRequired: true } })).toBe(0);
    expect(
      await db.calendarConnection.count({
        where: { organizationId: org, OR: [{ accessTokenEncrypted: { not: null } }, { refreshTokenEncrypted: { not: null } }] },
      }),
    ).toBe(0);
    expect(await db.calendarConnection.count({ where: { organizationId: org, migratedAt: null } })).toBe(0);
    // No duplicates, no orphans: exactly two credentials per row, each linked once.
    expect(await db.credential.count({ where: { organizationId: org } })).toBe(2 * 10_000);
    const rows = await db.calendarConnection.findMany({
      where: { organizationId: org },
      select: { id: true, accessTokenCredentialId: true, refreshTokenCredentialId: true },
    });
    const linked = new Set(rows.flatMap((r) => [r.accessTokenCredentialId, r.refreshTokenCredentialId]));
    expect(linked.size).toBe(2 * 10_000);
    expect(linked.has(null)).toBe(false);
    // Every token reads back from the vault as it was.
    for (let i = 0; i < rows.length; i += 200) {
      await Promise.all(
        rows.slice(i, i + 200).map(async (row) => {
          const expected = tokens.get(row.id)!;
          expect(await stack.deps.vault.get(row.accessTokenCredentialId!)).toBe(expected.accessToken);
          expect(await stack.deps.vault.get(row.refreshTokenCredentialId!)).toBe(expected.refreshToken);
        }),
      );
    }
    // And nothing in plaintext anywhere (the markers start every seeded token).
    expect(await plaintextCells('legacy-at-')).toBe(0);
    expect(await plaintextCells('legacy-rt-')).toBe(0);

    // The API's view: pending counted now, 0.
    const state = await readVaultMigration({ temporal: stack.temporal, db }, org);
    expect(state).toMatchObject({ status: 'completed', pending: 0 });

    // Each batch logged a correlation id; no log line carries a token.
    const batchLines = stack.logs.filter((line) => line.includes('"vault migration batch"') && line.includes(`"organizationId":"${org}"`));
    expect(batchLines.length).toBeGreaterThanOrEqual(final.batches);
    expect(batchLines.every((line) => /"correlationId":"[0-9a-f-]{36}"/.test(line))).toBe(true);
    expect(stack.logs.some((line) => line.includes('legacy-at-') || line.includes('legacy-rt-'))).toBe(false);

    // A re-run is a no-op that finishes at once.
    expect((await start(org)).alreadyRunning).toBe(false);
    expect(await result(org)).toMatchObject({ migrated: 0, pending: 0, done: true });
    expect(await db.credential.count({ where: { organizationId: org } })).toBe(2 * 10_000);
  }, 600_000);

  it('reports a row that cannot be migrated, keeps its token, and is not stuck on it', async () => {
    const org = 'failing-org';
    const [broken, ...healthy] = await insertLegacyConnections(stack.deps.db, { organizationId: org, count: 30 });
    // The row claims a vault credential that does not exist AND holds a legacy copy: dropping the legacy
    // copy would lose the token, so the migration must refuse this row.
    await stack.deps.db.calendarConnection.update({
      where: { id: broken! },
      data: { accessTokenCredentialId: '00000000-0000-4000-8000-000000000001' },
    });
    const legacyBefore = (await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: broken! } })).accessTokenEncrypted;

    await start(org);
    const final = await result(org);
    expect(final.failed).toEqual([{ connectionId: broken, reason: 'linked_credential_not_found' }]);
    expect(final.failedCount).toBe(1);
    expect(final.migrated).toBe(29);
    expect(final.pending).toBe(1);
    const row = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: broken! } });
    expect(row).toMatchObject({
      migrationRequired: true,
      migrationError: 'linked_credential_not_found',
      accessTokenEncrypted: legacyBefore,
    });
    expect(await stack.deps.db.calendarConnection.count({ where: { id: { in: healthy }, migrationRequired: false } })).toBe(29);

    // A re-run tries the failed row once more (and reports it again), then finishes.
    await start(org);
    expect(await result(org)).toMatchObject({ migrated: 0, pending: 1, failedCount: 1 });
    const state = await readVaultMigration({ temporal: stack.temporal, db: stack.deps.db }, org);
    expect(state).toMatchObject({ status: 'completed', pending: 1 });
  });

  it('keeps running connection workflows syncing: legacy columns first, then the vault', async () => {
    const org = 'live-org';
    const accounts = [
      { provider: 'google' as const, email: 'live-g1@example.com' },
      { provider: 'google' as const, email: 'live-g2@example.com' },
      { provider: 'microsoft' as const, email: 'live-m1@example.com' },
    ];
    const connections: Array<{
      provider: 'google' | 'microsoft';
      email: string;
      connectionId: string;
      workflowId: string;
      fake: TestStack['google'] | TestStack['microsoft'];
    }> = [];
    for (const account of accounts) {
      const fake = account.provider === 'google' ? stack.google : stack.microsoft;
      fake.ensureAccount(account.email);
      const connected = await connectSandboxAccount(stack, { ...account, organizationId: org, userId: account.email });
      await waitFor(
        () => stack.temporal.workflow.getHandle(connected.workflowId).query(statusQuery),
        (s) => s.lastSync?.outcome === 'ok',
        { what: 'first sync' },
      );
      // Back to a pre-vault row with the same, real tokens.
      await revertToLegacy(stack.deps, connected.connectionId);
      connections.push({ ...account, ...connected, fake });
    }
    const syncs = async (label: string) => {
      for (const c of connections) {
        const start = new Date(Date.now() + 48 * HOUR);
        c.fake.seedEvent(c.email, {
          title: `${label} ${c.email}`,
          start: { kind: 'dateTime', dateTime: start.toISOString(), timeZone: 'UTC' },
          end: { kind: 'dateTime', dateTime: new Date(start.getTime() + HOUR).toISOString(), timeZone: 'UTC' },
        });
        await stack.temporal.workflow.getHandle(c.workflowId).signal(syncNowSignal, { reason: 'manual' });
      }
      for (const c of connections) {
        await waitFor(
          () => stack.deps.db.calendarEvent.count({ where: { connectionId: c.connectionId, title: `${label} ${c.email}` } }),
          (n) => n === 1,
          { what: `${label} synced for ${c.email}` },
        );
      }
    };

    // On legacy tokens only (no credential exists for these rows).
    await syncs('Before migration');
    // A refresh on the legacy refresh token (Microsoft rotates it) stores the new tokens in the vault.
    stack.microsoft.expireAccessTokens('live-m1@example.com');
    await syncs('After a legacy refresh');

    // Some bulk rows, so the migration takes a few batches while the connections sync.
    await insertLegacyConnections(stack.deps.db, { organizationId: org, count: 200 });
    await start(org);
    await syncs('During migration');
    const final = await result(org);
    expect(final).toMatchObject({ pending: 0, failed: [] });

    for (const c of connections) {
      const row = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: c.connectionId } });
      expect(row).toMatchObject({ migrationRequired: false, accessTokenEncrypted: null, refreshTokenEncrypted: null, status: 'active' });
      expect(row.accessTokenCredentialId).not.toBeNull();
      expect(row.refreshTokenCredentialId).not.toBeNull();
    }
    // From the vault now, including a refresh.
    stack.google.expireAccessTokens('live-g1@example.com');
    stack.microsoft.expireAccessTokens('live-m1@example.com');
    await syncs('After migration');
    for (const c of connections) {
      const status = await stack.temporal.workflow.getHandle(c.workflowId).query(statusQuery);
      expect(status.health).toBe('active');
    }
  });
});
