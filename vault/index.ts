// The credential vault's public surface. See vault/envelope.ts for the cryptography, vault/keyring.ts for
// configuration, vault/vault.ts for storage.
export { VaultError, isVaultError, type VaultErrorCode } from './errors';
export { Keyring, keyringFromEnv, isKeyringConfigured, generateKeyEntry, type VaultEnv } from './keyring';
export { ensureDevelopmentKeyring, loadStartupKeyring, type StartupKeyring } from './development-keyring';
export { Vault, CREDENTIAL_KINDS, type CredentialKind, type VaultDb, type RewrapResult } from './vault';
