// Resolves the `temporal` CLI binary through scripts/temporal-cli.sh (env, PATH, .tools, Go build, download).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export function resolveTemporalCli(): string {
  const script = path.join(__dirname, '..', 'temporal-cli.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}
