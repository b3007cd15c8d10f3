// What an app-only token may do on Graph: which application permission (role) each request needs, which
// mailbox `/users/{id | userPrincipalName}` names in the app's tenant, and the errors Graph answers otherwise
// (learn.microsoft.com/graph/permissions-reference; the calendar and user API references list the app roles).
import type { AppContext } from './app-tokens';
import { GraphHttpError } from './graph-errors';
import type { Account } from './model';
import type { MicrosoftStore } from './store';
import type { Tenants } from './tenants';

const CALENDAR_READ = ['Calendars.Read', 'Calendars.ReadWrite'];
const CALENDAR_BASIC = ['Calendars.ReadBasic', ...CALENDAR_READ];
const CALENDAR_WRITE = ['Calendars.ReadWrite'];
export const USER_READ = ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

/** The roles (any one of them) an app needs for a request on `/users/{id}/<rest>`. */
export function requiredRoles(method: string, rest: string): string[] {
  if (rest === '') return USER_READ;
  if (/^calendar\/getschedule$/i.test(rest)) return CALENDAR_BASIC;
  if (/^calendars$/i.test(rest)) return CALENDAR_BASIC;
  return method === 'GET' ? CALENDAR_READ : CALENDAR_WRITE;
}

export const meWithAppToken = (): GraphHttpError =>
  new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');

export const appAccessDenied = (): GraphHttpError =>
  new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

export const directoryAccessDenied = (): GraphHttpError =>
  new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

/** The mailbox `/users/{idOrUpn}` names, if that user is in the app's tenant; 404 ErrorInvalidUser otherwise. */
export function tenantMailbox(store: MicrosoftStore, tenants: Tenants, app: AppContext, idOrUpn: string): Account {
  const tenant = tenants.find(app.tenantId);
  const key = idOrUpn.toLowerCase();
  for (const email of tenant?.users ?? []) {
    const account = store.getAccount(email);
    if (account && (account.email === key || account.id === key)) return account;
  }
  throw new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${idOrUpn}' is invalid.`);
}

/** Checks the app holds one of the roles; Graph answers a missing one with 403 ErrorAccessDenied. */
export function requireRole(app: AppContext, roles: string[], denied = appAccessDenied): void {
  if (!roles.some((role) => app.roles.includes(role))) throw denied();
}
