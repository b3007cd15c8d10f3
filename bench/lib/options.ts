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

/**
 * An on/off switch: `--name` turns it on and `--negation` (if the switch has one) off, else the environment
 * variable (1/true or 0/false), else the default. Unlike option(), it never takes the next argument as its value.
 */
export function booleanOption(name: string, envName: string, fallback: boolean, negation?: string): boolean {
  const argv = process.argv.slice(2);
  const on = argv.includes(`--${name}`);
  const off = negation !== undefined && argv.includes(`--${negation}`);
  if (on && off) throw new Error(`--${name} and --${negation} contradict each other: give one of them`);
  if (on || off) return on;
  const raw = (process.env[envName] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new Error(`${envName}: expected 1 or 0, got "${raw}"`);
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
