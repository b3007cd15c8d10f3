// The caller's notifications (GET /v1/notifications, newest first), shared by the page and the navigation's
// unread badge; marking one read refreshes both.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { AppNotification } from '../api/types';
import { UNREAD_LIMIT } from './kinds';

/** Reminders are due minutes before a meeting: check often enough that one is seen in time. */
const REFRESH_MS = 15_000;

const list = (query: string) =>
  api<{ notifications: AppNotification[] }>('GET', `/v1/notifications?${query}`).then((answer) => answer.notifications);

export function useNotifications(unreadOnly: boolean) {
  return useQuery({
    queryKey: ['notifications', unreadOnly ? 'unread' : 'all'],
    queryFn: () => list(unreadOnly ? 'unread=true&limit=100' : 'limit=100'),
    refetchInterval: REFRESH_MS,
  });
}

export function useUnreadCount() {
  return useQuery({
    queryKey: ['notifications', 'unread-count'],
    queryFn: () => list(`unread=true&limit=${UNREAD_LIMIT}`).then((notifications) => notifications.length),
    refetchInterval: REFRESH_MS,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<AppNotification>('POST', `/v1/notifications/${id}/read`, { body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
}
