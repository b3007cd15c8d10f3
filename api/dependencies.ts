// What the API needs from the outside world; tests pass the real ones (dev server, test database).
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Db } from '../db/client';

export interface ApiDependencies {
  config: Config;
  db: Db;
  temporal: Client;
  logger: Logger;
}
