// Sandbox Google Workspace domains and their users: what the Admin SDK Directory API lists and what a service
// account with domain-wide delegation may impersonate. Each user is also an account of the fake's store, so an
// impersonated user's token reaches that account's calendars.

import { randomBytes } from 'node:crypto';

export interface WorkspaceUser {
  /** The Directory API's numeric user id (a string of digits, as Google's are). */
  id: string;
  primaryEmail: string;
  givenName: string;
  familyName: string;
  isAdmin: boolean;
  suspended: boolean;
  creationTime: string;
}

export interface WorkspaceDomain {
  domain: string;
  /** The Workspace customer id (`C0` + letters and digits); `my_customer` names it for its own admins. */
  customerId: string;
  users: WorkspaceUser[];
}

export type WorkspaceDirectoryState = WorkspaceDomain[];

const GIVEN_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis'];
const FAMILY_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie'];

const numericId = (): string =>
  `1${BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString()
    .padStart(20, '0')
    .slice(0, 20)}`;

export class WorkspaceDirectory {
  private readonly domains = new Map<string, WorkspaceDomain>();

  exportState(): WorkspaceDirectoryState {
    return structuredClone([...this.domains.values()]);
  }

  importState(state: WorkspaceDirectoryState | undefined): void {
    this.domains.clear();
    for (const domain of state ?? []) this.domains.set(domain.domain, structuredClone(domain));
  }

  /**
   * Creates the domain (or adds to it) with `count` users `user1@domain` ... (or the given local parts); the
   * first user of a new domain is its super administrator, as the one who signed the domain up is.
   */
  createDomain(domain: string, input: { count?: number; localParts?: string[] }): WorkspaceDomain {
    const name = domain.toLowerCase();
    let entry = this.domains.get(name);
    if (!entry) {
      entry = { domain: name, customerId: `C0${randomBytes(4).toString('hex')}`, users: [] };
      this.domains.set(name, entry);
    }
    const localParts = input.localParts ?? Array.from({ length: input.count ?? 5 }, (_, i) => `user${i + 1}`);
    for (const local of localParts) {
      const email = `${local.toLowerCase()}@${name}`;
      if (entry.users.some((user) => user.primaryEmail === email)) continue;
      const index = entry.users.length;
      entry.users.push({
        id: numericId(),
        primaryEmail: email,
        givenName: GIVEN_NAMES[index % GIVEN_NAMES.length]!,
        familyName: FAMILY_NAMES[Math.floor(index / GIVEN_NAMES.length) % FAMILY_NAMES.length]!,
        isAdmin: index === 0,
        suspended: false,
        creationTime: new Date().toISOString(),
      });
    }
    return entry;
  }

  findDomain(domain: string): WorkspaceDomain | undefined {
    return this.domains.get(domain.toLowerCase());
  }

  /** The domain whose customer id this is. */
  findCustomer(customerId: string): WorkspaceDomain | undefined {
    return [...this.domains.values()].find((domain) => domain.customerId === customerId);
  }

  /** The user with this address, or undefined when the address is not a user of a sandbox domain. */
  findUser(email: string): { domain: WorkspaceDomain; user: WorkspaceUser } | undefined {
    const domain = this.findDomain(email.split('@')[1] ?? '');
    const user = domain?.users.find((candidate) => candidate.primaryEmail === email.toLowerCase());
    return domain && user ? { domain, user } : undefined;
  }

  setSuspended(email: string, suspended: boolean): boolean {
    const found = this.findUser(email);
    if (found) found.user.suspended = suspended;
    return found !== undefined;
  }
}
