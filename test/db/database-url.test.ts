// Which database DATABASE_URL names.
import path from 'node:path';
import { PROJECT_ROOT, resolveDatabaseUrl } from '../../db/database-url';

test('unset or empty means the embedded SQLite file under the project root', () => {
  const expected = path.join(PROJECT_ROOT, '.data', 'calendar.db');
  for (const url of [undefined, '', '  ']) {
    expect(resolveDatabaseUrl(url)).toEqual({ provider: 'sqlite', filePath: expected, url: `file:${expected}` });
  }
});

test('relative file: URLs are relative to the project root, absolute ones are kept', () => {
  expect(resolveDatabaseUrl('file:./var/x.db')).toMatchObject({ filePath: path.join(PROJECT_ROOT, 'var', 'x.db') });
  expect(resolveDatabaseUrl('file:/tmp/y.db?mode=rwc')).toMatchObject({ provider: 'sqlite', filePath: '/tmp/y.db' });
});

test('postgres:// and postgresql:// select PostgreSQL', () => {
  for (const url of ['postgres://u:p@127.0.0.1/db', 'postgresql://u:p@127.0.0.1:5432/db?sslmode=disable']) {
    expect(resolveDatabaseUrl(url)).toEqual({ provider: 'postgresql', url });
  }
});

test('anything else is refused without echoing the URL (it may hold a password)', () => {
  expect(() => resolveDatabaseUrl('mysql://user:s3cret@host/db')).toThrow(/must start with/);
  expect(() => resolveDatabaseUrl('mysql://user:s3cret@host/db')).not.toThrow(/s3cret/);
  expect(() => resolveDatabaseUrl('file::memory:')).toThrow(/in-memory/);
});
