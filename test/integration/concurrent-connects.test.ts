// Many users of one organization connecting at once, the organization's row not yet there, while another
// process writes to the same database: every completion succeeds (issue 15: on PostgreSQL the concurrent
// first connects raced on ce_organizations_pkey; on SQLite callbacks failed with "Operation has timed out"
// while the worker held the write lock).
import { spawn } from 'node:child_process';
import { createDb } from '../../db/client';
import { connectSandboxAccount } from '../helpers/connect';
import { testProviders } from '../helpers/database';
import { startTestStack, type TestStack } from '../helpers/stack';

const CONNECTS = 12;

describe.each(testProviders())('concurrent first connects of one organization (%s)', (provider) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ provider });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('all succeed while another process keeps writing', async () => {
    const organizationId = `burst-${provider}`;
    const emails = Array.from({ length: CONNECTS }, (_, i) => `burst${i}-${provider}@example.com`);
    for (const email of emails) stack.google.seedEvents(email, []);

    const other = startOtherWriter(provider, stack.databaseUrl);
    const results = await Promise.allSettled(
      emails.map((email, i) => connectSandboxAccount(stack, { provider: 'google', email, organizationId, userId: `user-${i}` })),
    );
    const writes = await other.stop();

    const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    expect(failures).toEqual([]);
    expect(writes).toBeGreaterThan(0);
    const ids = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.connectionId] : []));
    expect(new Set(ids).size).toBe(CONNECTS);
    expect(await stack.deps.db.organization.count({ where: { id: organizationId } })).toBe(1);
    expect(await stack.deps.db.calendarConnection.count({ where: { organizationId } })).toBe(CONNECTS);
  });
});

/**
 * Another process writing meanwhile in short transactions that read, then write, as a sync page does. SQLite:
 * a real child process (better-sqlite3 waits synchronously, so a writer in this process would stall its
 * event loop, not compete with it). PostgreSQL: a second client of its own pool.
 */
function startOtherWriter(provider: string, databaseUrl: string): { stop(): Promise<number> } {
  if (provider === 'sqlite') {
    const script = `
      const db = new (require('better-sqlite3'))(process.argv[1]);
      db.pragma('busy_timeout = 10000');
      db.prepare("INSERT OR IGNORE INTO ce_organizations (id, created_at) VALUES ('other-process', '2026-01-01T00:00:00.000+00:00')").run();
      let writes = 0;
      const hold = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
      const tick = () => {
        db.exec('BEGIN IMMEDIATE');
        db.prepare('SELECT id FROM ce_organizations LIMIT 1').get();
        db.prepare("UPDATE ce_organizations SET name = ? WHERE id = 'other-process'").run('write ' + writes++);
        hold(20);
        db.exec('COMMIT');
        setTimeout(tick, 10);
      };
      tick();
      process.on('SIGTERM', () => { process.stdout.write(String(writes)); process.exit(0); });
    `;
    const child = spawn(process.execPath, ['-e', script, databaseUrl.replace(/^file:/, '')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return {
      stop: () =>
        new Promise((resolve) => {
          // A writer that died early has written 0 times (and the test says so).
          if (child.exitCode !== null) return resolve(0);
          child.on('exit', () => resolve(Number(output) || 0));
          child.kill('SIGTERM');
        }),
    };
  }
  const other = createDb(databaseUrl);
  let writing = true;
  const writer = (async () => {
    let writes = 0;
    while (writing) {
      await other.$transaction(async (tx) => {
        await tx.organization.findMany({ take: 1 });
        await tx.organization.upsert({
          where: { id: 'other-process' },
          create: { id: 'other-process' },
          update: { name: `write ${writes}` },
        });
        await new Promise((resolve) => setTimeout(resolve, 20));
      });
      writes += 1;
    }
    return writes;
  })();
  return {
    async stop() {
      writing = false;
      const writes = await writer;
      await other.$disconnect();
      return writes;
    },
  };
}
