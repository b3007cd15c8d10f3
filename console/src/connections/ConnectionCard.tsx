// One connected calendar: its status, last sync, what is waiting, the last error in plain words, which
// OAuth client it uses, and what the owner can do (Sync now, Reconnect, Disconnect, choose calendars).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiProblem } from '../api/client';
import type { Connection, Provider } from '../api/types';
import { ConfirmDialog } from '../ui/Dialog';
import { formatDateTime, formatRelative } from '../ui/format';
import { Notice } from '../ui/Notice';
import { CalendarSelection } from './CalendarSelection';
import { HeldDeletions } from './HeldDeletions';
import { indicatorOf, pushNote, type Indicator } from './status';
import { StatusIndicator } from './StatusIndicator';

/** A requested sync shows as running until the connection reports a newer one (or this long passes). */
const SYNC_REQUEST_VISIBLE_MS = 60_000;

export function ConnectionCard(props: {
  connection: Connection;
  provider: Provider | undefined;
  canConnect: boolean;
  /** Held deletions: the owner with connect, or an admin, decides. */
  canDecideDeletions: boolean;
  onReconnect: (connection: Connection) => void;
  reconnecting: boolean;
}) {
  const { connection } = props;
  const queryClient = useQueryClient();
  const [syncRequestedAt, setSyncRequestedAt] = useState<number | null>(null);
  const [confirmingDisconnect, setConfirmingDisconnect] = useState(false);
  const [showCalendars, setShowCalendars] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['connections'] });

  const syncNow = useMutation({
    mutationFn: () => api('POST', `/v1/connections/${connection.id}/sync`, { body: {} }),
    onMutate: () => setSyncRequestedAt(Date.now()),
    onSettled: refresh,
  });
  const disconnect = useMutation({
    mutationFn: () => api('DELETE', `/v1/connections/${connection.id}`),
    onSuccess: () => {
      setConfirmingDisconnect(false);
      void refresh();
    },
  });

  const waitingForSync =
    syncRequestedAt !== null &&
    Date.now() - syncRequestedAt < SYNC_REQUEST_VISIBLE_MS &&
    (!connection.lastSync || Date.parse(connection.lastSync.at) < syncRequestedAt);
  const base = indicatorOf(connection);
  const indicator: Indicator =
    waitingForSync && (base.tone === 'ok' || base.tone === 'busy') ? { tone: 'busy', label: 'Syncing', detail: 'Sync requested.' } : base;
  const name = props.provider?.name ?? connection.provider;
  const needsReconnect = indicator.label === 'Needs reconnect';
  const lastSync = connection.lastSync;
  const issues = connection.calendarIssues ?? [];
  const quietNote = pushNote(connection);

  return (
    <li className="card connection" aria-labelledby={`connection-${connection.id}`}>
      <div className="connection-head">
        {props.provider && <img src={props.provider.icon} alt="" width={28} height={28} />}
        <div>
          <h3 id={`connection-${connection.id}`}>{connection.accountEmail}</h3>
          <div className="muted">{name}</div>
        </div>
        <div aria-live="polite">
          <StatusIndicator indicator={indicator} />
        </div>
      </div>
      <p className={indicator.tone === 'error' ? 'status-detail error-text' : 'status-detail'}>{indicator.detail}</p>
      <dl className="facts">
        <div>
          <dt>Last sync</dt>
          <dd>
            {lastSync ? (
              <time dateTime={lastSync.at} title={formatDateTime(lastSync.at)}>
                {formatRelative(lastSync.at)}
              </time>
            ) : (
              'not yet'
            )}
            {lastSync && lastSync.outcome === 'ok' && (
              <span className="muted">
                {' '}
                · {lastSync.upserted} changed, {lastSync.deleted} removed{lastSync.fullResync ? ', full pass' : ''}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Pending changes</dt>
          <dd>{connection.syncing || waitingForSync ? 'A sync is queued' : 'Nothing waiting'}</dd>
        </div>
        <div>
          <dt>Events</dt>
          <dd>{connection.syncedEvents ?? '—'}</dd>
        </div>
        <div>
          <dt>OAuth client</dt>
          <dd>{connection.oauthClient === 'organization' ? 'Your organization' : 'Platform default'}</dd>
        </div>
        {connection.lastReconcile && (
          <div>
            <dt>Full check</dt>
            <dd>
              <time dateTime={connection.lastReconcile.at} title={formatDateTime(connection.lastReconcile.at)}>
                {formatRelative(connection.lastReconcile.at)}
              </time>
              <span className="muted">
                {' '}
                · {connection.lastReconcile.repaired === 0 ? 'all matched' : `${connection.lastReconcile.repaired} repaired`}
              </span>
            </dd>
          </div>
        )}
        {connection.nextSyncAt && !connection.syncing && (
          <div>
            <dt>Next sync</dt>
            <dd>
              <time dateTime={connection.nextSyncAt}>{formatRelative(connection.nextSyncAt)}</time>
            </dd>
          </div>
        )}
      </dl>
      {connection.heldDeletions && (
        <HeldDeletions connectionId={connection.id} held={connection.heldDeletions} canDecide={props.canDecideDeletions} />
      )}
      {issues.length > 0 && !showCalendars && (
        <p className="hint">
          {issues.length === 1 ? `The calendar ${issues[0]!.name} has a problem` : `${issues.length} calendars have a problem`}: open
          Calendars to see what.
        </p>
      )}
      {quietNote && <p className="hint quiet-note">{quietNote}</p>}
      {disconnect.isSuccess && <Notice kind="info">Disconnecting: syncing stops and the service gives up its access…</Notice>}
      {syncNow.error && <Notice kind="error">{problemText(syncNow.error)}</Notice>}
      {disconnect.error && <Notice kind="error">{problemText(disconnect.error)}</Notice>}
      <div className="actions" hidden={disconnect.isSuccess}>
        {props.canConnect && needsReconnect && (
          <button type="button" className="primary" onClick={() => props.onReconnect(connection)} disabled={props.reconnecting}>
            {props.reconnecting ? 'Waiting for sign-in…' : 'Reconnect'}
          </button>
        )}
        {props.canConnect && !needsReconnect && (
          <button type="button" onClick={() => syncNow.mutate()} disabled={syncNow.isPending || waitingForSync}>
            {waitingForSync ? 'Sync requested' : 'Sync now'}
          </button>
        )}
        <button type="button" aria-expanded={showCalendars} onClick={() => setShowCalendars((shown) => !shown)}>
          {showCalendars ? 'Hide calendars' : 'Calendars'}
        </button>
        {props.canConnect && !needsReconnect && (
          <button type="button" onClick={() => props.onReconnect(connection)} disabled={props.reconnecting}>
            Reconnect
          </button>
        )}
        {props.canConnect && (
          <button type="button" className="danger-outline" onClick={() => setConfirmingDisconnect(true)}>
            Disconnect
          </button>
        )}
      </div>
      {showCalendars && (
        <CalendarSelection
          connectionId={connection.id}
          accountEmail={connection.accountEmail}
          issues={issues}
          canChange={props.canConnect && !needsReconnect}
        />
      )}
      {confirmingDisconnect && (
        <ConfirmDialog
          title={`Disconnect ${connection.accountEmail}?`}
          message={
            `Syncing stops, the service gives up its access to this ${name} account and deletes its tokens. ` +
            'Events already in the CRM stay. You can connect the account again later.'
          }
          confirmLabel="Disconnect"
          danger
          busy={disconnect.isPending}
          onConfirm={() => disconnect.mutate()}
          onCancel={() => setConfirmingDisconnect(false)}
        />
      )}
    </li>
  );
}

function problemText(error: unknown): string {
  return error instanceof ApiProblem ? error.message : 'That did not work. Try again.';
}
