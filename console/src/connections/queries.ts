// Server state of the connections screen, shared by its parts (one cache entry per resource).
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Connection, Provider } from '../api/types';

/** How often the list refreshes itself: quickly while something is moving, calmly otherwise. */
const BUSY_REFRESH_MS = 1_000;
const IDLE_REFRESH_MS = 5_000;

type ConnectionPage = { connections: Connection[]; nextCursor: string | null };

/** Every page of the caller's connections (a page holds up to 200; almost everyone has one page). */
async function allConnections(): Promise<Connection[]> {
  const connections: Connection[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const page: ConnectionPage = await api<ConnectionPage>('GET', `/v1/connections${query}`);
    connections.push(...page.connections);
    cursor = page.nextCursor;
  } while (cursor);
  return connections;
}

export function useConnections() {
  return useQuery({
    queryKey: ['connections'],
    queryFn: allConnections,
    // Live: status changes appear without a reload (the API has no push channel to browsers; polling it is).
    refetchInterval: (query) =>
      query.state.data?.some((connection) => connection.syncing || !connection.lastSync || !connection.workflowReachable)
        ? BUSY_REFRESH_MS
        : IDLE_REFRESH_MS,
  });
}

export function useProviders() {
  return useQuery({
    queryKey: ['providers'],
    queryFn: () => api<{ providers: Provider[] }>('GET', '/v1/providers').then((answer) => answer.providers),
    staleTime: Infinity,
  });
}
