// Admin SDK Directory API, users.list only: GET /admin/directory/v1/users?domain=|customer=&maxResults&pageToken
// (developers.google.com/workspace/admin/directory/reference/rest/v1/users/list). The real host is
// admin.googleapis.com; the fake serves the same path under its own base URL. The caller must hold a user scope
// and act as an administrator of the domain (a service account impersonating one), as Google requires.

import type { ServerResponse } from 'node:http';

import { sendJson } from '../http/body';
import { sendGoogleError } from './errors';
import type { AccessContext } from './oauth';
import type { WorkspaceDirectory, WorkspaceDomain, WorkspaceUser } from './workspace-directory';

export const DIRECTORY_USERS_PATH = '/admin/directory/v1/users';

const USER_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.user',
];
const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

const notAuthorized = (res: ServerResponse): void =>
  sendGoogleError(res, 403, { reason: 'forbidden', message: 'Not Authorized to access this resource/api' });

function userResource(domain: WorkspaceDomain, user: WorkspaceUser): Record<string, unknown> {
  return {
    kind: 'admin#directory#user',
    id: user.id,
    etag: `"${Buffer.from(`${user.id}:${String(user.suspended)}`).toString('base64url')}"`,
    primaryEmail: user.primaryEmail,
    name: { givenName: user.givenName, familyName: user.familyName, fullName: `${user.givenName} ${user.familyName}` },
    isAdmin: user.isAdmin,
    isDelegatedAdmin: false,
    lastLoginTime: '1970-01-01T00:00:00.000Z',
    creationTime: user.creationTime,
    agreedToTerms: true,
    suspended: user.suspended,
    archived: false,
    changePasswordAtNextLogin: false,
    ipWhitelisted: false,
    emails: [{ address: user.primaryEmail, primary: true }],
    customerId: domain.customerId,
    orgUnitPath: '/',
    isMailboxSetup: true,
    isEnrolledIn2Sv: false,
    isEnforcedIn2Sv: false,
    includeInGlobalAddressList: true,
  };
}

export function listDirectoryUsers(directory: WorkspaceDirectory, auth: AccessContext, url: URL, res: ServerResponse): void {
  if (!USER_SCOPES.some((scope) => auth.scopes.has(scope))) {
    return sendGoogleError(res, 403, { reason: 'insufficientPermissions', message: 'Request had insufficient authentication scopes.' });
  }
  const caller = directory.findUser(auth.email);
  const p = url.searchParams;
  const customer = p.get('customer');
  const domainName = p.get('domain');
  if (!customer && !domainName) return sendGoogleError(res, 400, { reason: 'badRequest', message: 'Bad Request' });
  const domain =
    domainName !== null
      ? directory.findDomain(domainName)
      : customer === 'my_customer'
        ? caller?.domain
        : directory.findCustomer(customer ?? '');
  // Only an administrator of that very domain may list it; anything else is "not authorized", as Google answers.
  if (!domain || !caller?.user.isAdmin || caller.domain !== domain) return notAuthorized(res);

  const maxResults = p.get('maxResults') === null ? DEFAULT_PAGE : Number(p.get('maxResults'));
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE) {
    return sendGoogleError(res, 400, {
      reason: 'invalid',
      message: 'Invalid value for: maxResults',
      locationType: 'parameter',
      location: 'maxResults',
    });
  }
  const offset = p.get('pageToken') === null ? 0 : Number(Buffer.from(p.get('pageToken')!, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) return sendGoogleError(res, 400, { reason: 'invalid', message: 'Invalid Input: pageToken' });
  const users = [...domain.users].sort((a, b) => a.primaryEmail.localeCompare(b.primaryEmail));
  const page = users.slice(offset, offset + maxResults);
  const next = offset + maxResults < users.length ? Buffer.from(String(offset + maxResults)).toString('base64url') : undefined;
  sendJson(res, 200, {
    kind: 'admin#directory#users',
    etag: `"${Buffer.from(`${domain.domain}:${users.length}:${offset}`).toString('base64url')}"`,
    users: page.map((user) => userResource(domain, user)),
    ...(next ? { nextPageToken: next } : {}),
  });
}
