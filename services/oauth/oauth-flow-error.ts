// Why connecting a calendar stopped, as the API tells the caller (api/routes/oauth.ts maps each code).
export type OAuthFlowErrorCode =
  | 'invalid_state'
  | 'expired_state'
  | 'oauth_state_mismatch'
  | 'missing_permissions'
  | 'account_mismatch'
  | 'account_in_use'
  /** The account is enrolled by the organization (an organization-managed connection syncs it). */
  | 'account_managed_by_organization';

export class OAuthFlowError extends Error {
  override readonly name = 'OAuthFlowError';

  constructor(
    readonly code: OAuthFlowErrorCode,
    message: string,
    /** For missing_permissions: the permissions not granted, by name. */
    readonly missing: string[] = [],
  ) {
    super(message);
  }
}
