// The migration from the old shared-service-account setup (requirement document 002, step 6): organizations
// with known calendar ids get an organization connection and their users enrolled, on the real stack (the
// fake's Workspace domain and JWT-bearer grant, Temporal, SQLite); running it again changes nothing.
import { migrateServiceAccountOrganizations } from '../../services/organization/service-account-migration';
import type { ServiceAccountKey } from '../../providers/types';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const DOMAIN = 'legacy-corp.example';
let stack: TestStack;
let key: ServiceAccountKey;
let users: string[];

beforeAll(async () => {
  stack = await startTestStack();
  users = stack.google.createWorkspaceDomain(DOMAIN, { count: 3, eventsPerUser: 2 }).users;
  const registered = stack.google.registerServiceAccount({ clientEmail: 'shared-sync@legacy-project.iam.gserviceaccount.com' });
  key = registered.keyFile!;
  stack.google.grantDomainWideDelegation(DOMAIN, registered.clientId, [
    'https://www.googleapis.com/auth/calendar.events',
    'https://www.googleapis.com/auth/calendar.readonly',
  ]);
}, 120_000);
afterAll(() => stack?.close());

const migrate = () =>
  migrateServiceAccountOrganizations(
    { ...stack.deps, workflows: stack.workflows },
    {
      serviceAccountKey: key,
      createdBy: 'migration',
      organizations: [
        {
          organizationId: 'legacy-org',
          domain: DOMAIN,
          calendars: [
            { calendarId: users[0]!, userId: 'crm-user-1' },
            { calendarId: users[1]!.toUpperCase() },
            { calendarId: 'c_team@group.calendar.google.com' },
          ],
        },
      ],
    },
  );

it('creates the organization connection and enrols the calendars users, idempotently', async () => {
  const [first] = await migrate();
  expect(first).toMatchObject({ organizationId: 'legacy-org', organizationConnection: 'created', skipped: [] });
  expect(first!.enrolled.map((e) => [e.email, e.userId, e.alreadyEnrolled])).toEqual([
    [users[0], 'crm-user-1', false],
    [users[1], users[1], false],
  ]);
  expect(first!.notMigrated).toEqual([{ calendarId: 'c_team@group.calendar.google.com', reason: 'not_a_user_calendar' }]);
  for (const { connectionId } of first!.enrolled) {
    await waitFor(
      () => stack.workflows.status(connectionId),
      (status) => status?.lastSync?.outcome === 'ok',
      { timeoutMs: 60_000, what: 'migrated connection synced' },
    );
  }

  const [second] = await migrate();
  expect(second).toMatchObject({ organizationConnection: 'unchanged', skipped: [] });
  expect(second!.enrolled.every((e) => e.alreadyEnrolled)).toBe(true);
  expect(await stack.deps.db.organizationConnection.count()).toBe(1);
  expect(await stack.deps.db.calendarConnection.count({ where: { organizationId: 'legacy-org' } })).toBe(2);
  expect(await stack.deps.db.credential.count({ where: { kind: 'service_account_key' } })).toBe(1);
}, 120_000);
