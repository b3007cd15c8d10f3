// Loads Prisma's WebAssembly schema engine (@prisma/schema-engine-wasm) from CommonJS code.
//
// The package's entry is an ES module that imports the .wasm file as a module, which Node 20 only allows
// behind --experimental-wasm-modules, and which jest's CommonJS runtime cannot load at all. So we do what
// the entry does, by hand: evaluate the wasm-bindgen glue (schema_engine_bg.js) as a CommonJS function,
// instantiate schema_engine_bg.wasm with the glue as its import object, hand the instance back to the glue.
// The glue is plain generated code whose only ES syntax is `export function`/`export class` at line start;
// anything else makes us fail loudly rather than guess (the package version is pinned in package.json).
import fs from 'node:fs';
import path from 'node:path';
import type * as EngineModule from '@prisma/schema-engine-wasm';

export type SchemaEngineModule = typeof EngineModule;
export type SchemaEngine = EngineModule.SchemaEngine;

// The project's TypeScript lib has no WebAssembly declarations (no DOM lib); this is the part we use.
interface WasmApi {
  Module: { new (bytes: Uint8Array): object; imports(module: object): Array<{ module: string; name: string }> };
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => {
    exports: Record<string, unknown>;
  };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let loaded: SchemaEngineModule | undefined;

// The engine arms timers (e.g. a 10 s timeout around each database call) that it never clears, and a
// pending timer keeps Node running: `npm run db:migrate` would linger 10 s after finishing. The glue gets a
// setTimeout that remembers its timers, so they can be unref'd once no engine is working.
const engineTimers = new Set<NodeJS.Timeout>();
function engineSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    engineTimers.delete(timer);
    callback();
  }, ms);
  engineTimers.add(timer);
  return timer;
}

/** Lets pending engine timers fire but no longer keep the process alive. Call when no engine is working. */
export function releaseEngineTimers(): void {
  for (const timer of engineTimers) timer.unref();
  engineTimers.clear();
}

export function loadSchemaEngine(): SchemaEngineModule {
  if (loaded) return loaded;
  // Resolving (not requiring) the glue's exported subpath finds the package without loading ES code.
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const dir = path.dirname(gluePath);
  const glue = evaluateGlue(fs.readFileSync(gluePath, 'utf8'), gluePath);

  const wasmModule = new wasmApi.Module(fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm')));
  const imports: Record<string, Record<string, unknown>> = {};
  for (const { module: importModule } of wasmApi.Module.imports(wasmModule)) {
    if (importModule !== './schema_engine_bg.js') {
      throw new Error(`schema engine wasm imports unexpected module "${importModule}"`);
    }
    imports[importModule] = glue;
  }
  const instance = new wasmApi.Instance(wasmModule, imports);
  (glue.__wbg_set_wasm as (w: unknown) => void)(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  loaded = glue as unknown as SchemaEngineModule;
  return loaded;
}

function evaluateGlue(source: string, filename: string): Record<string, unknown> {
  const names: string[] = [];
  const converted = source.replace(/^export (function|class) ([A-Za-z0-9_$]+)/gm, (_m, kind: string, name: string) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  if (/^\s*(export|import)\b/m.test(converted)) {
    throw new Error(`${filename}: unsupported module syntax; the schema engine loader needs updating`);
  }
  const exportsObject: Record<string, unknown> = {};
  const moduleObject = { exports: exportsObject, require };
  const body = `${converted}\n;return {${names.join(',')}};\n//# sourceURL=${filename}`;

  const factory = new Function('module', 'exports', 'require', 'setTimeout', body) as (
    m: typeof moduleObject,
    e: Record<string, unknown>,
    r: NodeRequire,
    t: typeof engineSetTimeout,
  ) => Record<string, unknown>;
  return factory(moduleObject, exportsObject, require, engineSetTimeout);
}
