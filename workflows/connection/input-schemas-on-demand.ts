// The update schemas, built the first time a workflow needs them instead of when it starts. Every workflow
// evaluates the bundle's modules afresh (the SDK gives each its own module cache), and a zod schema carries
// dozens of bound methods: built eagerly, the schemas were most of a cached workflow's memory and of the
// CPU of every cache miss, for workflows that mostly just sync (bench/README.md, bench:scale).
import type * as InputSchemas from './input-schemas';

let loaded: typeof InputSchemas | undefined;

export function inputSchemas(): typeof InputSchemas {
  // A require() in a function is how the bundle defers a module's evaluation; an import would run it at start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./input-schemas') as typeof InputSchemas;
  return loaded;
}
