// Where a runnable sandbox fake keeps its state: SANDBOX_STATE_FILE when set (empty: keep nothing), else
// `<DATA_DIR>/sandbox/<provider>.json` with the data folder `npm start` uses (default `.data`, git-ignored).
import path from 'node:path';

export function sandboxStatePath(provider: 'google' | 'microsoft', env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.SANDBOX_STATE_FILE;
  if (explicit !== undefined) return explicit.trim() === '' ? undefined : path.resolve(explicit);
  return path.resolve(env.DATA_DIR ?? '.data', 'sandbox', `${provider}.json`);
}
