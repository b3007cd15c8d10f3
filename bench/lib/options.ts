// Benchmark knobs: `--name=value` / `--name value` on the command line, else the environment variable,
// else the default. Flags win so `npm run bench:x -- --rate 50` works without touching the environment.
export function option(name: string, envName: string, fallback: string): string {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}` && argv[i + 1] !== undefined) return argv[i + 1]!;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  const fromEnv = process.env[envName];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : fallback;
}

/** A positive number; with `allowZero`, 0 too (e.g. `--kills 0` for a run without kills). */
export function numberOption(name: string, envName: string, fallback: number, { allowZero = false } = {}): number {
  const raw = option(name, envName, String(fallback));
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new Error(`--${name} / ${envName}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`);
  }
  return value;
}

/** A comma-separated list of positive numbers, e.g. --connections 100,1000. */
export function numberListOption(name: string, envName: string, fallback: number[]): number[] {
  const raw = option(name, envName, fallback.join(','));
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value <= 0)) {
    throw new Error(`--${name} / ${envName}: expected positive whole numbers separated by commas, got "${raw}"`);
  }
  return values;
}
