// prisma/schema.prisma and the committed migrations must agree, for both providers: replaying the
// migrations and diffing against the schema must give nothing. When this fails, run
// `npm run db:migration:new -- <name>` (prisma/README.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrationsDir, schemaFor } from '../../db/schema-source';
import { diffMigrationsToSchema } from '../../db/schema-diff';
import { testPostgresUrl, testProviders } from '../helpers/database';

const serverFor = (provider: string) => (provider === 'postgresql' ? testPostgresUrl() : undefined);

describe.each(testProviders())('schema drift on %s', (provider) => {
  test('the migrations produce exactly prisma/schema.prisma', async () => {
    const diff = await diffMigrationsToSchema(provider, { postgresServerUrl: serverFor(provider) });
    if (!diff.empty) {
      throw new Error(
        `prisma/schema.prisma and prisma/migrations/${provider} disagree; run \`npm run db:migration:new -- <name>\`.\n` +
          `Missing SQL:\n${diff.script}`,
      );
    }
    expect(diff.empty).toBe(true);
  });

  test('the check notices a migration that is missing part of the schema', async () => {
    // Negative control: the same migrations with one index removed must not pass.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'calsync-drift-'));
    try {
      fs.cpSync(migrationsDir(provider), copy, { recursive: true });
      const [first] = fs
        .readdirSync(copy, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      const file = path.join(copy, first!, 'migration.sql');
      const sql = fs.readFileSync(file, 'utf8');
      const index = /CREATE UNIQUE INDEX "pf_notifications_dedupe_key_key"[^;]*;/;
      expect(sql).toMatch(index);
      fs.writeFileSync(file, sql.replace(index, ''));

      const diff = await diffMigrationsToSchema(provider, { postgresServerUrl: serverFor(provider), migrationsPath: copy });
      expect(diff.empty).toBe(false);
      expect(diff.script).toContain('pf_notifications_dedupe_key_key');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

test('the PostgreSQL schema differs from the source only in provider and client output', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'prisma', 'schema.prisma'), 'utf8');
  const derived = schemaFor('postgresql', source);
  const changed = (a: string, b: string) => {
    const left = a.split('\n');
    return b.split('\n').filter((line) => !left.includes(line));
  };
  expect(changed(source, derived).map((l) => l.trim().split(/\s+/)[0])).toEqual(['//', 'output', 'provider']);
  expect(derived).toMatch(/datasource db \{\s*provider = "postgresql"/);
});
