// `npm run db:generate` (also the postinstall step): generates one Prisma client per provider from
// prisma/schema.prisma, into generated/prisma/sqlite and generated/prisma/postgresql.
// Prisma 7's client is provider-specific (its query compiler and its adapter check), hence two.
// `prisma generate` never uses the schema engine, but the CLI tries to download one at start-up unless
// PRISMA_SCHEMA_ENGINE_BINARY names an existing file; there is no such download here, so we point it at a
// placeholder file that generate never runs (db/ uses the WebAssembly schema engine instead).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, type DbProvider } from '../../db/database-url';
import { writeDerivedSchema } from '../../db/schema-source';

const providers: DbProvider[] = ['sqlite', 'postgresql'];
const prismaCli = path.join(PROJECT_ROOT, 'node_modules', 'prisma', 'build', 'index.js');

for (const provider of providers) {
  const schema = writeDerivedSchema(provider);
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? __filename,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (result.status !== 0) {
    console.error(`db:generate: prisma generate failed for ${provider}`);
    process.exit(result.status ?? 1);
  }
}
