// The Prisma schema for each provider, derived from the one source of truth, prisma/schema.prisma.
// Prisma needs the provider written in the schema (client generation and migration SQL are per provider),
// so the PostgreSQL variant is the same text with the datasource provider swapped and the generated
// client's output directory moved. Nothing else may differ: column types in the schema stay portable.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type DbProvider } from './database-url';

export const SCHEMA_PATH = path.join(PROJECT_ROOT, 'prisma', 'schema.prisma');
/** Where the derived PostgreSQL schema is written for the prisma CLI (generate, migrate deploy). */
export const DERIVED_SCHEMA_DIR = path.join(PROJECT_ROOT, 'generated', 'schemas');

export function migrationsDir(provider: DbProvider): string {
  return path.join(PROJECT_ROOT, 'prisma', 'migrations', provider);
}

export function schemaFilePath(provider: DbProvider): string {
  return provider === 'sqlite' ? SCHEMA_PATH : path.join(DERIVED_SCHEMA_DIR, `${provider}.prisma`);
}

export function schemaFor(provider: DbProvider, source = fs.readFileSync(SCHEMA_PATH, 'utf8')): string {
  const datasource = /(datasource\s+db\s*\{[^}]*?provider\s*=\s*)"sqlite"/;
  if (!datasource.test(source)) {
    throw new Error('prisma/schema.prisma: expected `datasource db { provider = "sqlite" }`');
  }
  if (provider === 'sqlite') return source;
  const generatorOutput = /(generator\s+client\s*\{[^}]*?output\s*=\s*)"[^"]*"/;
  if (!generatorOutput.test(source)) throw new Error('prisma/schema.prisma: expected an output in generator client');
  const outputDir = path.join(PROJECT_ROOT, 'generated', 'prisma', provider);
  const relativeOutput = path.relative(DERIVED_SCHEMA_DIR, outputDir).split(path.sep).join('/');
  return (
    `// GENERATED from prisma/schema.prisma by db/schema-source.ts: do not edit.\n` +
    source.replace(datasource, `$1"${provider}"`).replace(generatorOutput, `$1"${relativeOutput}"`)
  );
}

/** Writes the derived schema file for the prisma CLI; returns its path. */
export function writeDerivedSchema(provider: DbProvider): string {
  const file = schemaFilePath(provider);
  if (provider === 'sqlite') return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const content = schemaFor(provider);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content) fs.writeFileSync(file, content);
  return file;
}
