// CalendarConnectionSettingsPage: the admin banners, the user's connected calendars (live), and the cards
// to connect another one.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { connectCalendar, openConsentPopup, type ConnectOutcome } from '../api/connect';
import type { Connection, Provider } from '../api/types';
import { GoogleCredentialsBanner } from '../admin/GoogleCredentialsBanner';
import { VaultMigrationBanner } from '../admin/VaultMigrationBanner';
import { useSession } from '../session/permissions';
import { LoadFailed, Loading, Notice } from '../ui/Notice';
import { ConnectCards } from './ConnectCards';
import { ConnectionCard } from './ConnectionCard';
import { useConnections, useProviders } from './queries';

interface Attempt {
  provider: string;
  reconnectId: string | null;
}

export function CalendarConnectionSettingsPage() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const connections = useConnections();
  const providers = useProviders();
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  const [outcome, setOutcome] = useState<(ConnectOutcome & { providerName: string; reconnect?: boolean }) | null>(null);

  const start = (provider: Provider | undefined, providerId: Connection['provider'], reconnect?: Connection) => {
    // The popup opens in the click itself, or the browser blocks it.
    const popup = openConsentPopup();
    const providerName = provider?.name ?? providerId;
    if (!popup) {
      setOutcome({
        kind: 'failed',
        message: 'Your browser blocked the sign-in window. Allow pop-ups for this site and try again.',
        providerName,
      });
      return;
    }
    setOutcome(null);
    setAttempt({ provider: providerId, reconnectId: reconnect?.id ?? null });
    void connectCalendar(popup, reconnect ? { provider: providerId, reconnectConnectionId: reconnect.id } : { provider: providerId }).then(
      (result) => {
        setAttempt(null);
        setOutcome({ ...result, providerName, reconnect: Boolean(reconnect) });
        void queryClient.invalidateQueries({ queryKey: ['connections'] });
      },
    );
  };

  const providerOf = (id: string) => providers.data?.find((provider) => provider.id === id);

  return (
    <>
      <h1>Calendar connections</h1>
      {can('admin') && (
        <div className="banners">
          <VaultMigrationBanner />
          <GoogleCredentialsBanner />
        </div>
      )}
      {attempt && (
        <Notice kind="info">
          Finish signing in to {providerOf(attempt.provider)?.name ?? attempt.provider} in the window that opened. This page updates by
          itself.
        </Notice>
      )}
      {outcome?.kind === 'connected' && (
        <Notice kind="success" onDismiss={() => setOutcome(null)}>
          {outcome.reconnect
            ? `${outcome.providerName} is reconnected. Syncing resumes now.`
            : `${outcome.providerName} is connected. The first sync runs now.`}
        </Notice>
      )}
      {outcome && outcome.kind !== 'connected' && (
        <Notice kind={outcome.kind === 'failed' ? 'error' : 'warning'} onDismiss={() => setOutcome(null)}>
          {outcome.message}
          {outcome.kind === 'failed' && outcome.missing && outcome.missing.length > 0 && (
            <ul className="missing-permissions">
              {outcome.missing.map((permission) => (
                <li key={permission}>{permission}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}

      <section aria-labelledby="connections-heading" className="section">
        <h2 id="connections-heading">Your calendars</h2>
        {connections.isPending && <Loading what="your calendars" />}
        {connections.isError && <LoadFailed what="your calendars" error={connections.error} retry={() => void connections.refetch()} />}
        {connections.data?.length === 0 && (
          <p className="empty">
            No calendar connected yet.{' '}
            {can('connect')
              ? 'Connect one below to sync its events and schedule meetings into it.'
              : 'Ask an administrator for permission to connect one.'}
          </p>
        )}
        {connections.data && connections.data.length > 0 && (
          <ul className="connection-list">
            {connections.data.map((connection) => (
              <ConnectionCard
                key={connection.id}
                connection={connection}
                provider={providerOf(connection.provider)}
                canConnect={can('connect')}
                canDecideDeletions={can('connect') || can('admin')}
                reconnecting={attempt?.reconnectId === connection.id}
                onReconnect={(target) => start(providerOf(target.provider), target.provider, target)}
              />
            ))}
          </ul>
        )}
      </section>

      {can('connect') && providers.data && (
        <ConnectCards
          providers={providers.data}
          busyProvider={attempt && !attempt.reconnectId ? attempt.provider : null}
          onConnect={(provider) => start(provider, provider.id)}
        />
      )}
      {providers.isError && <LoadFailed what="the providers" error={providers.error} retry={() => void providers.refetch()} />}
    </>
  );
}
