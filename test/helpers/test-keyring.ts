// The vault keyring of every test stack. Fixed (not random) so that Temporal histories recorded by one test
// run, whose attendee lists are sealed with it, can be replayed by later runs (test/workflows/replay.test.ts).
import { createHash } from 'node:crypto';
import { Keyring } from '../../vault/keyring';

const TEST_KEY = createHash('sha256').update('calendar-sync test keyring (not a secret)').digest();

export const TEST_KEYRING = Keyring.fromKeys({ test: TEST_KEY }, 'test');
/** The same key as VAULT_KEYS takes it (`test:<base64>`), for a worker process of a test stack. */
export const TEST_KEY_BASE64 = TEST_KEY.toString('base64');
