// The one error type of the credential vault. Messages name ids only (credential id, key id, environment
// variable names), never key material or secrets, so they are safe to log and to show an operator.

export type VaultErrorCode =
  /** A ciphertext, IV, auth tag or wrapped data key failed authentication (altered, moved, or wrong key). */
  | 'tampered'
  /** The credential is wrapped by a key id that the configured keyring does not hold. */
  | 'unknown_key'
  /** No credential with that id. */
  | 'not_found'
  /** The keyring configuration is missing or malformed (checked at start-up). */
  | 'invalid_keyring';

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;
  readonly credentialId?: string;
  readonly keyId?: string;

  constructor(code: VaultErrorCode, message: string, ids: { credentialId?: string; keyId?: string } = {}) {
    super(message);
    this.code = code;
    if (ids.credentialId !== undefined) this.credentialId = ids.credentialId;
    if (ids.keyId !== undefined) this.keyId = ids.keyId;
  }
}

export function isVaultError(err: unknown, code?: VaultErrorCode): err is VaultError {
  return err instanceof VaultError && (code === undefined || err.code === code);
}
