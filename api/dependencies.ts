// What the API needs: the service's shared dependencies plus a Temporal client. Tests pass real ones
// (dev server, test database, provider fakes).
import type { Client } from '@temporalio/client';
import type { ConnectionService } from '../services/connections';
import type { ServiceDependencies } from '../services/dependencies';
import type { ApiConfig } from './config';

export interface ApiDependencies extends ServiceDependencies {
  temporal: Client;
}

/** What route modules receive: the dependencies plus the API's own settings and services. */
export interface ApiContext extends ApiDependencies {
  apiConfig: ApiConfig;
  connections: ConnectionService;
}
