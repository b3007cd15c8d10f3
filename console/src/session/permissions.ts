// What the signed-in user may do, from GET /v1/me. The UI offers only what the API would allow.
import { createContext, useContext } from 'react';
import type { Me } from '../api/types';

export const PERMISSIONS = {
  connect: 'ce.calendar.connect',
  schedule: 'ce.calendar.schedule',
  view: 'ce.calendar.view',
  viewAll: 'ce.calendar.view-all',
  admin: 'ce.calendar.admin',
} as const;

export type PermissionName = keyof typeof PERMISSIONS;

export interface SessionInfo {
  me: Me;
  can: (permission: PermissionName) => boolean;
}

export function sessionInfo(me: Me): SessionInfo {
  const granted = new Set(me.permissions);
  return { me, can: (permission) => granted.has(PERMISSIONS[permission]) };
}

export const SessionContext = createContext<SessionInfo | null>(null);

export function useSession(): SessionInfo {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
