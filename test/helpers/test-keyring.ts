// The vault keyring of every test stack. Fixed (not random) so that Temporal histories recorded by one test
// run, whose attendee lists are sealed with it, can be replayed by later runs (test/workflows/replay.test.ts).
import { createHash } from 'node:crypto';
import { Keyring } from '../../vault/keyring';

export const TEST_KEYRING = Keyring.fromKeys(
  { test: createHash('sha256').update('calendar-sync test keyring (not a secret)').digest() },
  'test',
);
