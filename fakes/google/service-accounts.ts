// Service accounts the Google fake knows (their public keys) and the domain-wide delegations a Workspace admin
// granted them (Admin console > Security > API controls > Domain-wide delegation: a client id and its scopes).
// Private keys the fake generates are handed out once, in Google's key file format, and never kept.

import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

export interface ServiceAccount {
  clientEmail: string;
  /** The OAuth client id (21 digits) an admin enters to grant domain-wide delegation. */
  clientId: string;
  projectId: string;
  /** private_key_id -> public key (SPKI PEM). */
  keys: Record<string, string>;
}

/** Google's service account key file (`type: service_account`), as the Cloud console downloads it. */
export interface ServiceAccountKeyFile {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: 'googleapis.com';
}

export interface ServiceAccountsState {
  accounts: ServiceAccount[];
  /** [domain, clientId, scopes]: what each domain's admin delegated to which client. */
  delegations: Array<[domain: string, clientId: string, scopes: string[]]>;
}

const digits = (count: number): string =>
  Array.from(randomBytes(count), (byte) => String(byte % 10))
    .join('')
    .replace(/^0/, '1');

export class ServiceAccounts {
  private readonly accounts = new Map<string, ServiceAccount>();
  /** domain -> clientId -> delegated scopes. */
  private readonly delegations = new Map<string, Map<string, Set<string>>>();
  /** Private keys handed out, so secret-scanning tests can look for them. */
  private readonly handedOut: string[] = [];

  exportState(): ServiceAccountsState {
    const delegations: ServiceAccountsState['delegations'] = [];
    for (const [domain, clients] of this.delegations) {
      for (const [clientId, scopes] of clients) delegations.push([domain, clientId, [...scopes]]);
    }
    return { accounts: structuredClone([...this.accounts.values()]), delegations };
  }

  importState(state: ServiceAccountsState | undefined): void {
    this.accounts.clear();
    this.delegations.clear();
    for (const account of state?.accounts ?? []) this.accounts.set(account.clientEmail, structuredClone(account));
    for (const [domain, clientId, scopes] of state?.delegations ?? []) this.delegate(domain, clientId, scopes);
  }

  /**
   * Registers a service account. With `publicKeyPem` the caller keeps the private key; without it the fake makes a
   * key pair and answers the key file (private key included) exactly once.
   */
  register(
    input: { clientEmail?: string; clientId?: string; projectId?: string; publicKeyPem?: string; privateKeyId?: string },
    tokenUri: string,
  ): { account: ServiceAccount; keyFile?: ServiceAccountKeyFile } {
    const projectId = input.projectId ?? 'sandbox-project';
    const clientEmail = (
      input.clientEmail ?? `sandbox-${randomBytes(3).toString('hex')}@${projectId}.iam.gserviceaccount.com`
    ).toLowerCase();
    const existing = this.accounts.get(clientEmail);
    const account: ServiceAccount = existing ?? { clientEmail, clientId: input.clientId ?? digits(21), projectId, keys: {} };
    const privateKeyId = input.privateKeyId ?? randomBytes(20).toString('hex');
    let keyFile: ServiceAccountKeyFile | undefined;
    if (input.publicKeyPem) {
      account.keys[privateKeyId] = createPublicKey(input.publicKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    } else {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      account.keys[privateKeyId] = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      this.handedOut.push(privateKey);
      keyFile = {
        type: 'service_account',
        project_id: account.projectId,
        private_key_id: privateKeyId,
        private_key: privateKey,
        client_email: account.clientEmail,
        client_id: account.clientId,
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: tokenUri,
        auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
        client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(account.clientEmail)}`,
        universe_domain: 'googleapis.com',
      };
    }
    this.accounts.set(clientEmail, account);
    return { account, ...(keyFile ? { keyFile } : {}) };
  }

  find(clientEmail: string): ServiceAccount | undefined {
    return this.accounts.get(clientEmail.toLowerCase());
  }

  /** Grants (or replaces) a client's domain-wide delegation for a domain, as the admin console does. */
  delegate(domain: string, clientId: string, scopes: string[]): void {
    const key = domain.toLowerCase();
    const clients = this.delegations.get(key) ?? new Map<string, Set<string>>();
    clients.set(clientId, new Set(scopes));
    this.delegations.set(key, clients);
  }

  /** Deletes the client's delegation for the domain; true when there was one. */
  withdraw(domain: string, clientId: string): boolean {
    return this.delegations.get(domain.toLowerCase())?.delete(clientId) ?? false;
  }

  /** The scopes the domain delegated to the client (undefined: no delegation at all). */
  delegatedScopes(domain: string, clientId: string): Set<string> | undefined {
    return this.delegations.get(domain.toLowerCase())?.get(clientId);
  }

  issuedSecrets(): string[] {
    return [...this.handedOut];
  }
}
