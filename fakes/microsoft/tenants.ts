// Sandbox Microsoft Entra tenants (organizations) with their users, the application permissions each app
// registration asks for, and each tenant's admin consent: whether the app has a service principal in the tenant
// and which Graph app roles were granted to it (learn.microsoft.com/entra/identity-platform/v2-admin-consent).
// Each tenant user is a mailbox of the fake's store (the same mailbox a delegated sign-in reaches).

import { newGuid } from './ids';

export interface Tenant {
  id: string;
  /** The tenant's verified domain; users are `<local>@<domain>`. */
  domain: string;
  displayName: string;
  users: string[];
  /** clientId -> app roles granted by admin consent (an entry = the app has a service principal in the tenant). */
  consents: Record<string, string[]>;
  /** When set, the next admin consent for this tenant is declined (the admin clicks Cancel). */
  declineNextConsent?: boolean;
}

export interface TenantsState {
  tenants: Tenant[];
  /** clientId -> the application permissions its registration lists ("API permissions > Application"). */
  appPermissions: Array<[clientId: string, roles: string[]]>;
}

/** What an app registration lists when nobody said otherwise: full calendar access and the user directory. */
export const DEFAULT_APP_ROLES = ['Calendars.ReadWrite', 'User.Read.All'];

export class Tenants {
  private readonly tenants = new Map<string, Tenant>();
  private readonly appPermissions = new Map<string, string[]>();

  exportState(): TenantsState {
    return { tenants: structuredClone([...this.tenants.values()]), appPermissions: [...this.appPermissions] };
  }

  importState(state: TenantsState | undefined): void {
    this.tenants.clear();
    this.appPermissions.clear();
    for (const tenant of state?.tenants ?? []) this.tenants.set(tenant.id, structuredClone(tenant));
    for (const [clientId, roles] of state?.appPermissions ?? []) this.appPermissions.set(clientId, roles);
  }

  /** A new tenant with `count` users `user1@domain` ...; an existing domain gets the users it lacks. */
  create(domain: string, input: { count: number; localParts?: string[]; displayName?: string }): Tenant {
    const name = domain.toLowerCase();
    const tenant = this.find(name) ?? { id: newGuid(), domain: name, displayName: input.displayName ?? name, users: [], consents: {} };
    const localParts = input.localParts ?? Array.from({ length: input.count }, (_, i) => `user${i + 1}`);
    for (const local of localParts) {
      const email = `${local.toLowerCase()}@${name}`;
      if (!tenant.users.includes(email)) tenant.users.push(email);
    }
    this.tenants.set(tenant.id, tenant);
    return tenant;
  }

  /** By tenant id (GUID) or domain, as `/{tenant}/...` paths name it. */
  find(idOrDomain: string): Tenant | undefined {
    const key = idOrDomain.toLowerCase();
    return this.tenants.get(key) ?? [...this.tenants.values()].find((tenant) => tenant.domain === key);
  }

  /** The tenant a user's address belongs to. */
  tenantOf(email: string): Tenant | undefined {
    const key = email.toLowerCase();
    return [...this.tenants.values()].find((tenant) => tenant.users.includes(key));
  }

  setAppPermissions(clientId: string, roles: string[]): void {
    this.appPermissions.set(clientId, roles);
  }

  appRoles(clientId: string): string[] {
    return this.appPermissions.get(clientId) ?? DEFAULT_APP_ROLES;
  }

  /** Admin consent: the app gets a service principal in the tenant with these roles (default: all it lists). */
  consent(tenant: Tenant, clientId: string, roles = this.appRoles(clientId)): void {
    tenant.consents[clientId] = [...roles];
  }

  /** The admin deletes the app's service principal (Enterprise applications > Delete): consent is gone. */
  withdraw(tenant: Tenant, clientId: string): boolean {
    if (!(clientId in tenant.consents)) return false;
    delete tenant.consents[clientId];
    return true;
  }

  /** The roles granted to the app in the tenant, or undefined when the app has no service principal there. */
  grantedRoles(tenant: Tenant, clientId: string): string[] | undefined {
    return tenant.consents[clientId];
  }
}
