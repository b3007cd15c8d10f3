// Runs one piece of work with Prisma's schema engine (the engine behind `prisma migrate`) on a driver
// adapter, then frees it and closes every connection it opened, so nothing keeps a process or a database
// busy afterwards (a PostgreSQL database with open sessions cannot be dropped).
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { DbProvider } from '../database-url';
import { schemaFilePath, schemaFor } from '../schema-source';
import { loadSchemaEngine, releaseEngineTimers, type SchemaEngine } from './load';

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

let activeEngines = 0;

export async function withSchemaEngine<T>(
  provider: DbProvider,
  factory: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngine, schema: { path: string; content: string }) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = loadSchemaEngine();
  const schema = { path: schemaFilePath(provider), content: schemaFor(provider) };
  const tracked = trackConnections(factory);
  const logs: string[] = [];
  const bound = bindMigrationAwareSqlAdapterFactory(tracked.factory);
  activeEngines += 1;
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      (line: string) => {
        // Engine logs are JSON lines; keep the last few to explain a failure, print them only on request.
        logs.push(line);
        if (logs.length > 50) logs.shift();
        if (process.env.DEBUG_SCHEMA_ENGINE) process.stderr.write(`[schema-engine] ${line}\n`);
      },
      bound,
    );
  } catch (error) {
    await finish(tracked.disposeAll);
    throw toError(error, logs, bound.errorRegistry);
  }
  try {
    return await work(engine, schema);
  } catch (error) {
    throw toError(error, logs, bound.errorRegistry);
  } finally {
    engine.free();
    await finish(tracked.disposeAll);
  }
}

async function finish(disposeAll: () => Promise<void>): Promise<void> {
  try {
    await disposeAll();
  } finally {
    activeEngines -= 1;
    if (activeEngines === 0) releaseEngineTimers();
  }
}

function trackConnections(inner: SqlMigrationAwareDriverAdapterFactory) {
  const open = new Set<SqlDriverAdapter>();
  const track = async (connecting: Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connecting;
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    // Idempotent: the engine may dispose a connection itself before we sweep.
    adapter.dispose = () => {
      open.delete(adapter);
      disposed ??= dispose();
      return disposed;
    };
    open.add(adapter);
    return adapter;
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => track(inner.connect()),
    connectToShadowDb: () => track(inner.connectToShadowDb()),
  };
  return { factory, disposeAll: async () => void (await Promise.all([...open].map((a) => a.dispose()))) };
}

/**
 * Callers get an Error that says what went wrong. The engine sees driver errors only as "External error
 * id#N" (the adapter binding keeps the real error in a registry), so the real message is appended; and it
 * rejects with plain objects or strings at times.
 */
function toError(error: unknown, logs: string[], registry: ErrorRegistry): Error {
  if (error instanceof Error) {
    const ids = [...error.message.matchAll(/External error id#(\d+)/g)].map((m) => Number(m[1]));
    const causes = ids.map((id) => registry.consumeError(id)?.error).filter((e) => e !== undefined);
    if (causes.length > 0) {
      error.message += `\nCaused by: ${causes.map(describeDriverError).join('\n')}`;
    }
    return error;
  }
  const message =
    typeof error === 'string'
      ? error
      : typeof error === 'object' && error !== null && 'message' in error
        ? String((error as { message: unknown }).message)
        : JSON.stringify(error);
  const lastError = logs.filter((l) => l.includes('"ERROR"')).pop();
  return new Error(lastError ? `${message}\n${lastError}` : message);
}

function describeDriverError(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Driver adapter errors are plain objects: { kind, message?, originalMessage?, code? ... }.
  return JSON.stringify(error);
}
