// npm run bench:vault-migration — the vault migration of N legacy rows (default 10,000) of one organization,
// batches of 25, through the workflow on the production worker run as two processes (as production runs more
// than one), one of which is killed with SIGKILL twice mid-way (at ~15% and ~50% of the batches) and started
// again: from the start of the workflow until its result (every row in the vault). Checked afterwards: no
// legacy row left, two credentials per row. Baseline in the same run: the same rows (a second fresh
// database of the same kind) moved by calling the batch activity's code directly, one batch after another,
// no workflow, no kills.
// Knobs (flag or env): --rows (BENCH_ROWS, 10000)  --kills (BENCH_KILLS, 2)  --postgres URL (BENCH_POSTGRES_URL)
// Ends with RESULT vault_migration_10k <seconds> s (the row count in the name when --rows differs) and
// RESULT vault_migration_baseline <seconds> s.
import { migrateLegacyBatch } from '../../services/vault-migration/batch';
import { startVaultMigration } from '../../clients/vault-migration';
import { insertLegacyConnections } from '../../scripts/legacy/legacy-rows';
import { startWorkerProcess, type WorkerProcess } from '../../test/helpers/worker-process';
import {
  progressQuery,
  vaultMigrationWorkflowId,
  VAULT_MIGRATION_BATCH_SIZE,
  type VaultMigrationProgress,
} from '../../workflows/vault-migration/messages';
import { formatMs, machineLine, millisSince, now } from '../lib/measure';
import { numberOption } from '../lib/options';
import { runBenchmark } from '../lib/run-benchmark';
import { startBenchService } from '../lib/service';

const ROWS = numberOption('rows', 'BENCH_ROWS', 10_000);
const KILLS = numberOption('kills', 'BENCH_KILLS', 2, { allowZero: true });
const ORG = 'bench-vault-org';
const log = (line: string) => console.log(line);

const legacyTokens = (index: number) => ({ accessToken: `legacy-at-${index}-bench`, refreshToken: `legacy-rt-${index}-bench` });

async function main(): Promise<void> {
  const service = await startBenchService();
  const kind = service.databaseKind;
  log(`bench:vault-migration — ${new Date().toISOString()} — ${kind}, ${ROWS} legacy rows, ${KILLS} worker kills — ${machineLine()}`);
  const workers: WorkerProcess[] = [service.worker];
  try {
    // Baseline: the batch activity's code called directly, batch after batch, on a database of its own.
    const fresh = await service.freshDatabase();
    const direct = service.dependenciesFor(fresh.db);
    await insertLegacyConnections(fresh.db, { organizationId: ORG, count: ROWS, tokens: legacyTokens });
    const baselineStart = now();
    let afterId = '';
    let batches = 0;
    for (;;) {
      const result = await migrateLegacyBatch(direct, {
        organizationId: ORG,
        afterId,
        batchSize: VAULT_MIGRATION_BATCH_SIZE,
        skipFailed: false,
        batchNumber: ++batches,
      });
      if (result.lastId === null) break;
      afterId = result.lastId;
    }
    const baselineMs = millisSince(baselineStart);
    log(`  baseline (batch code called directly, ${batches} batches, no workflow): ${formatMs(baselineMs)} — ${machineLine()}`);

    // End to end: the workflow on two worker processes, one killed twice.
    await insertLegacyConnections(service.deps.db, { organizationId: ORG, count: ROWS, tokens: legacyTokens });
    workers.push(await startWorkerProcess(service.env));
    const handle = service.temporal.workflow.getHandle(vaultMigrationWorkflowId(ORG));
    const totalBatches = Math.ceil(ROWS / VAULT_MIGRATION_BATCH_SIZE);
    const killAt = Array.from({ length: KILLS }, (_, n) =>
      Math.round(totalBatches * (n === 0 ? 0.15 : 0.15 + (0.35 * n) / Math.max(1, KILLS - 1))),
    );
    const start = now();
    await startVaultMigration({ temporal: service.temporal, taskQueue: service.env.TEMPORAL_TASK_QUEUE! }, { organizationId: ORG });
    const result = handle.result() as Promise<VaultMigrationProgress>;
    const restarts: Array<Promise<void>> = [];
    for (const [n, atBatch] of killAt.entries()) {
      for (;;) {
        const progress = await handle.query(progressQuery).catch(() => undefined);
        if (progress?.done || (progress && progress.batches >= atBatch)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const victim = workers[1]!;
      await victim.kill();
      log(`  kill ${n + 1}: worker process ${victim.pid} SIGKILLed at ${formatMs(millisSince(start))} (batch >= ${atBatch})`);
      // Started again in the background (it bundles the workflows first); the other process carries on.
      restarts.push(
        startWorkerProcess(service.env).then((worker) => {
          workers[1] = worker;
        }),
      );
      await restarts[restarts.length - 1];
    }
    const final = await result;
    const elapsedMs = millisSince(start);
    const db = service.deps.db;
    const legacyLeft = await db.calendarConnection.count({
      where: {
        organizationId: ORG,
        OR: [{ migrationRequired: true }, { accessTokenEncrypted: { not: null } }, { refreshTokenEncrypted: { not: null } }],
      },
    });
    const credentials = await db.credential.count({ where: { organizationId: ORG } });
    log(
      `  end to end (workflow, 2 worker processes, ${KILLS} SIGKILLs): ${formatMs(elapsedMs)}; ${final.batches} batches, ` +
        `${final.migrated} migrated, ${final.failedCount} failed, ${legacyLeft} legacy rows left, ${credentials} credentials ` +
        `(${2 * ROWS} expected) — ${machineLine()}`,
    );
    log(`  ratio: ${(elapsedMs / baselineMs).toFixed(2)}x the direct batches`);
    if (legacyLeft !== 0 || credentials !== 2 * ROWS) throw new Error('the migration did not move every row exactly once');
    const name = ROWS === 10_000 ? 'vault_migration_10k' : `vault_migration_${ROWS}`;
    log(`RESULT vault_migration_baseline ${(baselineMs / 1000).toFixed(1)} s`);
    log(`RESULT ${name} ${(elapsedMs / 1000).toFixed(1)} s`);
  } finally {
    for (const worker of workers.slice(1)) await worker.stop().catch(() => undefined);
    await service.close();
  }
}

runBenchmark(main);
