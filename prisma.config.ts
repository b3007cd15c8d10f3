// Configuration of the prisma CLI (`prisma migrate deploy`, `prisma migrate status`, `prisma studio`, ...).
// DATABASE_URL picks the provider exactly as the application does (db/database-url.ts): the schema for
// that provider (prisma/schema.prisma, or its derived PostgreSQL twin) and that provider's migrations.
import { defineConfig } from 'prisma/config';
import { resolveDatabaseUrl } from './db/database-url';
import { migrationsDir, writeDerivedSchema } from './db/schema-source';

const target = resolveDatabaseUrl(process.env.DATABASE_URL);

export default defineConfig({
  schema: writeDerivedSchema(target.provider),
  migrations: { path: migrationsDir(target.provider) },
  datasource: { url: target.url },
});
