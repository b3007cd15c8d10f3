// Which database a DATABASE_URL names. One place decides, so the client, the migrator, prisma.config.ts
// and the tests always agree: unset -> the embedded SQLite file .data/calendar.db under the project root;
// postgres:// or postgresql:// -> PostgreSQL; file: -> SQLite (relative paths are relative to the project
// root, not to the working directory, so every entry point opens the same file).
import path from 'node:path';

export type DbProvider = 'sqlite' | 'postgresql';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_DATABASE_URL = 'file:.data/calendar.db';

export type DatabaseTarget = { provider: 'sqlite'; url: string; filePath: string } | { provider: 'postgresql'; url: string };

export function resolveDatabaseUrl(databaseUrl?: string): DatabaseTarget {
  const url = databaseUrl && databaseUrl.trim() !== '' ? databaseUrl.trim() : DEFAULT_DATABASE_URL;
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: 'postgresql', url };
  if (url.startsWith('file:')) {
    // Drop SQLite URI parameters (file:x.db?mode=...): the path is all the adapter takes.
    const raw = url.slice('file:'.length).replace(/\?.*$/, '');
    if (raw === '' || raw === ':memory:') {
      throw new Error('DATABASE_URL: an in-memory SQLite database cannot be shared or migrated; use a file path');
    }
    const filePath = path.isAbsolute(raw) ? raw : path.resolve(PROJECT_ROOT, raw);
    return { provider: 'sqlite', url: `file:${filePath}`, filePath };
  }
  // Never echo the URL: it may carry a password.
  throw new Error('DATABASE_URL must start with file:, postgres:// or postgresql://');
}
