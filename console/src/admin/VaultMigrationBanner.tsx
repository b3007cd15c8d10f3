// The "Vault migration available" banner (org admins), shown while connection rows of the organization
// still hold legacy plaintext tokens. "Run vault migration" starts the migration workflow; the progress bar
// follows GET /v1/vault-migration until pending is 0.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { VaultMigration } from '../api/types';
import { Notice } from '../ui/Notice';

export function VaultMigrationBanner() {
  const queryClient = useQueryClient();
  const progress = useQuery({
    queryKey: ['vault-migration'],
    queryFn: () => api<VaultMigration>('GET', '/v1/vault-migration'),
    refetchInterval: (query) => (query.state.data?.status === 'running' ? 1_000 : 15_000),
  });
  const run = useMutation({
    mutationFn: () => api<VaultMigration>('POST', '/v1/vault-migration', { body: {} }),
    onSuccess: (answer) => queryClient.setQueryData(['vault-migration'], answer),
  });
  const state = progress.data;
  if (!state) return null;
  const running = state.status === 'running' || run.isPending;
  // Nothing to migrate and nothing just ran: no banner.
  if (state.pending === 0 && !running && !run.isSuccess) return null;

  const migrated = state.migrated ?? 0;
  const total = migrated + state.pending;
  return (
    <section className={state.pending === 0 && !running ? 'banner banner-ok' : 'banner banner-warn'} aria-labelledby="vault-heading">
      <div>
        <h2 id="vault-heading">{state.pending === 0 && !running ? 'Vault migration complete' : 'Vault migration available'}</h2>
        {state.pending === 0 && !running ? (
          <p>Every token of your organization is in the encrypted vault. Pending: 0.</p>
        ) : (
          <p>
            {state.pending} {state.pending === 1 ? 'connection still keeps' : 'connections still keep'} tokens from before the vault. They
            keep working; moving them encrypts them at rest. Safe to run again.
          </p>
        )}
        {(running || run.isSuccess) && (
          <div className="progress">
            <label htmlFor="vault-progress">
              Migrated {migrated} of {total} · pending: <span data-testid="vault-pending">{state.pending}</span>
            </label>
            <progress id="vault-progress" max={Math.max(total, 1)} value={total === 0 ? 1 : migrated} />
          </div>
        )}
        {state.failedCount > 0 && (
          <Notice kind="error">
            {state.failedCount} {state.failedCount === 1 ? 'row' : 'rows'} could not be moved; run the migration again or contact support.
          </Notice>
        )}
        {run.error && <Notice kind="error">{run.error.message}</Notice>}
      </div>
      {state.pending > 0 && (
        <div className="actions">
          <button type="button" className="primary" onClick={() => run.mutate()} disabled={running}>
            {running ? 'Migrating…' : 'Run vault migration'}
          </button>
        </div>
      )}
    </section>
  );
}
