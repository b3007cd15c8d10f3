// Login roles for one PostgreSQL test database, as production has them (deploy/postgres-init.sh): one member
// of the application role calsync_app, one of the system role calsync_system (both group roles are made by
// the row-level-security migration). Dropped again by drop().
import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '../../db/client';
import type { TestDatabase } from './database';

export interface DatabaseRoles {
  appUrl: string;
  systemUrl: string;
  appDb: Db;
  systemDb: Db;
  drop(): Promise<void>;
}

export async function createDatabaseRoles(database: TestDatabase): Promise<DatabaseRoles> {
  if (database.provider !== 'postgresql') throw new Error('database roles exist on PostgreSQL only');
  const suffix = randomBytes(4).toString('hex');
  const urlFor = async (group: 'calsync_app' | 'calsync_system') => {
    const name = `${group}_test_${suffix}`;
    const password = randomBytes(12).toString('hex');
    await database.db.$executeRawUnsafe(`CREATE ROLE ${name} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS IN ROLE ${group}`);
    const url = new URL(database.url);
    url.username = name;
    url.password = password;
    return { name, url: url.toString() };
  };
  const app = await urlFor('calsync_app');
  const system = await urlFor('calsync_system');
  const appDb = createDb(app.url);
  const systemDb = createDb(system.url);
  return {
    appUrl: app.url,
    systemUrl: system.url,
    appDb,
    systemDb,
    async drop() {
      await Promise.all([appDb.$disconnect(), systemDb.$disconnect()]);
      for (const role of [app.name, system.name]) {
        await database.db.$executeRawUnsafe(`DROP OWNED BY ${role}`);
        await database.db.$executeRawUnsafe(`DROP ROLE ${role}`);
      }
    },
  };
}
