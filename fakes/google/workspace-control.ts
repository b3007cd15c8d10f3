// The Workspace side door of the Google fake: sandbox domains with users (each an account with calendars),
// service accounts and their keys, and the domain-wide delegations an admin grants and withdraws. Shared by the
// in-process methods (GoogleFake) and the `/__fake/workspace/...` HTTP routes.

import type { ServerResponse } from 'node:http';

import { sendEmpty, sendJson } from '../http/body';
import { generateSandboxCalendar } from '../sandbox-calendar';
import type { FakeEventSeed } from '../types';
import { ControlError } from './control';
import type { ServiceAccountKeyFile, ServiceAccounts } from './service-accounts';
import type { WorkspaceDirectory } from './workspace-directory';

export interface WorkspaceDomainInput {
  /** How many users `user1@domain` ... to create (default 5), unless `localParts` names them. */
  count?: number;
  localParts?: string[];
  /** Seed each user's primary calendar with this many sandbox events (generateSandboxCalendar; default none). */
  eventsPerUser?: number;
}

export interface RegisteredServiceAccount {
  clientEmail: string;
  clientId: string;
  /** The key file with its private key, only when the fake generated the key pair. */
  keyFile?: ServiceAccountKeyFile;
}

export interface ServiceAccountInput {
  clientEmail?: string;
  clientId?: string;
  projectId?: string;
  /** The public half of a key the caller made; without it the fake makes the pair and returns the key file. */
  publicKeyPem?: string;
  privateKeyId?: string;
}

export class WorkspaceControl {
  constructor(
    private readonly directory: WorkspaceDirectory,
    private readonly serviceAccounts: ServiceAccounts,
    private readonly accounts: {
      ensureAccount(email: string): string;
      seedEvents(email: string, seeds: FakeEventSeed[]): string[];
    },
    private readonly tokenUrl: () => string,
  ) {}

  createDomain(domain: string, input: WorkspaceDomainInput = {}): { domain: string; customerId: string; users: string[] } {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) throw new ControlError('domain must be a DNS name such as sandbox.example');
    const count = input.count ?? 5;
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw new ControlError('count must be an integer from 1 to 1000');
    const entry = this.directory.createDomain(domain, { count, ...(input.localParts ? { localParts: input.localParts } : {}) });
    entry.users.forEach((user, index) => {
      this.accounts.ensureAccount(user.primaryEmail);
      if (input.eventsPerUser) {
        const seeds = generateSandboxCalendar({ now: new Date(), count: input.eventsPerUser, seed: index + 1 });
        this.accounts.seedEvents(user.primaryEmail, seeds);
      }
    });
    return { domain: entry.domain, customerId: entry.customerId, users: entry.users.map((user) => user.primaryEmail) };
  }

  registerServiceAccount(input: ServiceAccountInput = {}): RegisteredServiceAccount {
    const { account, keyFile } = this.serviceAccounts.register(input, this.tokenUrl());
    return { clientEmail: account.clientEmail, clientId: account.clientId, ...(keyFile ? { keyFile } : {}) };
  }

  grantDelegation(domain: string, clientId: string, scopes: string[]): void {
    if (!this.directory.findDomain(domain)) throw new ControlError(`unknown sandbox domain ${domain}`);
    if (scopes.length === 0 || scopes.some((scope) => !/^https:\/\/\S+$/.test(scope))) {
      throw new ControlError('scopes must be a non-empty list of scope URLs');
    }
    this.serviceAccounts.delegate(domain, clientId, scopes);
  }

  withdrawDelegation(domain: string, clientId: string): void {
    if (!this.serviceAccounts.withdraw(domain, clientId)) throw new ControlError(`no delegation for that client in ${domain}`);
  }

  setUserSuspended(email: string, suspended: boolean): void {
    if (!this.directory.setSuspended(email, suspended)) throw new ControlError('not a user of a sandbox domain');
  }

  /** `/__fake/workspace/...`; false when the path is none of these. */
  route(method: string, segments: string[], body: Record<string, unknown> | undefined, res: ServerResponse): boolean {
    const [, kind, name, sub, clientId] = segments;
    const strings = (value: unknown): string[] | undefined =>
      Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
    if (kind === 'domains' && name === undefined && method === 'POST') {
      if (typeof body?.domain !== 'string') throw new ControlError('domain is required');
      const input: WorkspaceDomainInput = {
        ...(typeof body.count === 'number' ? { count: body.count } : {}),
        ...(strings(body.localParts) ? { localParts: strings(body.localParts)! } : {}),
        ...(typeof body.eventsPerUser === 'number' ? { eventsPerUser: body.eventsPerUser } : {}),
      };
      sendJson(res, 200, this.createDomain(body.domain, input));
      return true;
    }
    if (kind === 'service-accounts' && name === undefined && method === 'POST') {
      const text = (key: string) => (typeof body?.[key] === 'string' ? { [key]: body[key] as string } : {});
      const input: ServiceAccountInput = {
        ...text('clientEmail'),
        ...text('clientId'),
        ...text('projectId'),
        ...text('publicKeyPem'),
        ...text('privateKeyId'),
      };
      sendJson(res, 200, this.registerServiceAccount(input));
      return true;
    }
    if (kind === 'domains' && name !== undefined && sub === 'delegations' && clientId !== undefined) {
      if (method === 'PUT') this.grantDelegation(name, clientId, strings(body?.scopes) ?? []);
      else if (method === 'DELETE') this.withdrawDelegation(name, clientId);
      else return false;
      sendEmpty(res, 204);
      return true;
    }
    if (kind === 'users' && name !== undefined && sub === 'suspended' && method === 'PUT') {
      this.setUserSuspended(name, body?.suspended === true);
      sendEmpty(res, 204);
      return true;
    }
    return false;
  }
}
