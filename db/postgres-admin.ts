// Small PostgreSQL chores the migrator and the tests need: make sure a database exists, create and drop
// one. They connect to the server's maintenance database `postgres` (a database cannot create itself).
import { Client } from 'pg';

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || 'postgres';
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function withMaintenanceClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function quotedName(name: string): string {
  if (!DATABASE_NAME.test(name)) throw new Error(`refusing unusual database name "${name}"`);
  return `"${name}"`;
}

/** Creates the database the URL names if it does not exist (like `prisma migrate deploy` does). */
export async function ensurePostgresDatabase(url: string): Promise<void> {
  const database = databaseNameOf(url);
  const probe = new Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000: invalid_catalog_name
  } finally {
    await probe.end().catch(() => undefined);
  }
  await createPostgresDatabase(url, database);
}

export async function createPostgresDatabase(url: string, database: string): Promise<void> {
  await withMaintenanceClient(url, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${quotedName(database)}`);
    } catch (error) {
      // 42P04 duplicate_database: another process created it first, which is what we wanted.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  });
}

export async function dropPostgresDatabase(url: string, database: string): Promise<void> {
  await withMaintenanceClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quotedName(database)} WITH (FORCE)`);
  });
}
