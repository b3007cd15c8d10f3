// The console as a person uses it, in Debian's Chromium (playwright-core), on the real stack: the API
// serving the built console, the worker, Temporal, the database and the provider fakes, whose consent
// pages the popups go through. One journey in order (each step builds on the calendars the earlier ones
// connected): sign in, connect Google and Microsoft, sync now, schedule a meeting, see it in events and the
// activity timeline, resolve a conflict side by side, run the vault migration, settings, the organization's
// OAuth client, reconnect and disconnect, a mass deletion held and confirmed, a reminder in notifications
// marked read, a consent with a permission unticked refused in words; and a viewer. Every screen passes axe-core without a serious or
// critical violation. CONSOLE_SCREENSHOTS=1 also saves docs/console/*.png.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PERMISSIONS } from '../../api/auth/permissions';
import { insertLegacyConnections } from '../../scripts/legacy/legacy-rows';
import { call } from '../api/api-client';
import { ensureConsoleBuilt, launchBrowser, newContext, screenshot, seriousViolations } from '../helpers/browser';
import { stopCalendarPush } from '../helpers/push';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const GOOGLE_EMAIL = 'alice@example.com';
const MICROSOFT_EMAIL = 'alice@contoso.example';
const UNTICKED_EMAIL = 'alice.unticked@example.com';
const BOSS_CALENDAR = "Boss's calendar";
const EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const DAY = 24 * 3_600_000;
const ZONE = 'Europe/Berlin';
const HOUR = 3_600_000;

/** yyyy-mm-dd of `date` in the browser's zone. */
const dayIn = (date: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, dateStyle: 'short' }).format(date);
const tomorrow = dayIn(new Date(Date.now() + 24 * HOUR));
/** Tomorrow at hh:00 in the browser's zone, as an instant (Berlin is UTC+1 or +2; the offset is read, not assumed). */
function tomorrowAt(hour: number): Date {
  const guess = new Date(`${tomorrow}T${String(hour).padStart(2, '0')}:00:00Z`);
  const shown = Number(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', hourCycle: 'h23' }).format(guess));
  return new Date(guess.getTime() - (shown - hour) * HOUR);
}
const timed = (start: Date, title: string, extra: Record<string, unknown> = {}) => ({
  title,
  start: { kind: 'dateTime' as const, dateTime: start.toISOString(), timeZone: ZONE },
  end: { kind: 'dateTime' as const, dateTime: new Date(start.getTime() + HOUR).toISOString(), timeZone: ZONE },
  ...extra,
});

/** The first failed step, if any: the steps after it fail at once instead of each waiting out its timeouts. */
let broken: string | undefined;
function step(name: string, run: () => Promise<void>) {
  it(name, async () => {
    if (broken) throw new Error(`not run: the earlier step "${broken}" failed`);
    try {
      await run();
    } catch (error) {
      broken = name;
      throw error;
    }
  });
}

describe('the console in a browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let planningId: string;
  /** Events weeks ahead (outside the event views' days), deleted en masse at the provider to trip the breaker. */
  let bulkIds: string[];
  /** A calendar shared with the Microsoft account, whose access the test takes away. */
  let bossCalendarId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    stack = await startTestStack({ developmentSignIn: true, env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    stack.google.ensureAccount(GOOGLE_EMAIL);
    planningId = stack.google.seedEvent(GOOGLE_EMAIL, timed(tomorrowAt(14), 'Planning'));
    stack.google.seedEvent(GOOGLE_EMAIL, timed(tomorrowAt(9), 'Standup'));
    bulkIds = stack.google.seedEvents(
      GOOGLE_EMAIL,
      Array.from({ length: 25 }, (_, n) => timed(new Date(tomorrowAt(11).getTime() + (30 + n) * DAY), `Later ${n}`)),
    );
    stack.microsoft.ensureAccount(MICROSOFT_EMAIL);
    stack.microsoft.seedEvent(MICROSOFT_EMAIL, timed(tomorrowAt(16), 'Quarterly review'));
    bossCalendarId = stack.microsoft.addCalendar(MICROSOFT_EMAIL, { name: BOSS_CALENDAR });
    browser = await launchBrowser();
    context = await newContext(browser);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function expectAccessible(what: string) {
    expect([what, await seriousViolations(page)]).toEqual([what, []]);
  }
  const card = (email: string) => page.locator('li.connection', { hasText: email });
  async function waitForStatus(email: string, label: string) {
    const status = card(email).getByTestId('connection-status');
    await waitFor(
      () => status.textContent(),
      (text) => !!text?.includes(label),
      { what: `${email} to be ${label}`, timeoutMs: 60_000 },
    );
  }
  async function nav(section: string) {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
    await page.getByRole('heading', { level: 1, name: section === 'Connections' ? 'Calendar connections' : section }).waitFor();
  }
  /** Connects through the provider's consent page in the popup, as a person would (the sandbox asks for the address). */
  async function connectThroughPopup(buttonName: string, email: string) {
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: buttonName }).click();
    const popup = await popupOpened;
    const emailField = popup.locator('input[name="login_hint"]');
    await emailField.waitFor();
    await emailField.fill(email);
    // The return page hands the code to this page and closes at once: listen before the click.
    const closed = popup.waitForEvent('close', { timeout: 60_000 });
    await popup.getByRole('button', { name: /sign in/i }).click();
    await closed;
    await page.getByText(/is connected\. The first sync runs now\./).waitFor();
  }
  const connectionRow = (email: string) => stack.deps.db.calendarConnection.findFirstOrThrow({ where: { externalAccountEmail: email } });

  step('signs in with the development sign-in (the service runs on its development key)', async () => {
    await page.goto(`${stack.apiUrl}/console/`);
    await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
    await expectAccessible('sign-in');
    await screenshot(page, 'sign-in');
    await page.getByLabel('Organization', { exact: true }).fill('acme');
    await page.getByLabel('User', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Organization admin' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calendar connections' }).waitFor();
    await page.getByText('No calendar connected yet.').waitFor();
    await expectAccessible('connections (empty)');
    // The token lives in memory only: nothing in storage, no cookie.
    // (A string: the browser evaluates it; this file is type-checked without the DOM's types.)
    expect(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]')).toEqual([0, 0, '']);
  });

  step('connects a sandbox Google and a sandbox Microsoft calendar through their consent pages and shows them healthy', async () => {
    await connectThroughPopup('Connect Google Calendar', GOOGLE_EMAIL);
    await connectThroughPopup('Connect Microsoft Outlook', MICROSOFT_EMAIL);
    // Live: the first syncs finish while the page is open, without a reload.
    await waitForStatus(GOOGLE_EMAIL, 'Healthy');
    await waitForStatus(MICROSOFT_EMAIL, 'Healthy');
    expect(await card(GOOGLE_EMAIL).getByText('Platform default').count()).toBe(1);
    await expectAccessible('connections');
    await screenshot(page, 'connections');
  });

  step('refuses a Google sign-in with the calendar permission unticked, naming it in words; a closed sign-in window says so', async () => {
    const connectionsBefore = await stack.deps.db.calendarConnection.count();
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    const popup = await popupOpened;
    await popup.locator('input[name="login_hint"]').fill(UNTICKED_EMAIL);
    // Google's granular consent: the person unticks one of the permissions asked for.
    await popup.getByRole('checkbox', { name: EVENTS_SCOPE, exact: true }).uncheck();
    const closed = popup.waitForEvent('close', { timeout: 60_000 });
    await popup.getByRole('button', { name: /sign in/i }).click();
    await closed;
    const refusal = page.getByRole('alert').filter({ hasText: 'did not allow everything the service needs' });
    await refusal.waitFor();
    await refusal
      .getByRole('listitem')
      .filter({ hasText: `view and edit events (sync, meetings, edits) — ${EVENTS_SCOPE}` })
      .waitFor();
    expect(await stack.deps.db.calendarConnection.count()).toBe(connectionsBefore);
    await expectAccessible('missing permissions');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'missing-permissions');
    await refusal.getByRole('button', { name: 'Dismiss' }).click();

    // A sign-in window closed without finishing ends the attempt with words, not a spinner.
    const secondPopup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await (await secondPopup).close();
    const closedEarly = page.getByRole('status').filter({ hasText: 'The sign-in window was closed before the calendar was connected' });
    await closedEarly.waitFor();
    await page.getByRole('button', { name: 'Connect Google Calendar' }).waitFor();
    await closedEarly.getByRole('button', { name: 'Dismiss' }).click();
    expect(await stack.deps.db.calendarConnection.count()).toBe(connectionsBefore);
  });

  step('syncs now on request', async () => {
    const row = await connectionRow(GOOGLE_EMAIL);
    const before = Date.now();
    await card(GOOGLE_EMAIL).getByRole('button', { name: 'Sync now' }).click();
    const status = await waitFor(
      () => stack.workflows.status(row.id),
      (value) => !!value?.lastSync && Date.parse(value.lastSync.at) >= before,
      { what: 'a sync after Sync now' },
    );
    expect(status?.lastSync?.outcome).toBe('ok');
    await waitForStatus(GOOGLE_EMAIL, 'Healthy');
    await card(GOOGLE_EMAIL).getByRole('button', { name: 'Sync now' }).waitFor();
  });

  step('shows and changes which calendars sync and which one receives meetings', async () => {
    await card(GOOGLE_EMAIL).getByRole('button', { name: 'Calendars' }).click();
    const primary = card(GOOGLE_EMAIL).getByRole('checkbox', { name: `Sync ${GOOGLE_EMAIL}` });
    await primary.waitFor();
    expect(await primary.isChecked()).toBe(true);
    expect(
      await card(GOOGLE_EMAIL)
        .getByRole('radio', { name: `Meetings go to ${GOOGLE_EMAIL}` })
        .isChecked(),
    ).toBe(true);
    await expectAccessible('calendar selection');
    await card(GOOGLE_EMAIL).getByRole('button', { name: 'Hide calendars' }).click();
  });

  step("shows a calendar's own problem next to it: one that can't be read with the access granted", async () => {
    const microsoft = card(MICROSOFT_EMAIL);
    await microsoft.getByRole('button', { name: 'Calendars' }).click();
    await microsoft.getByRole('checkbox', { name: `Sync ${BOSS_CALENDAR}` }).check();
    await microsoft.getByRole('button', { name: 'Save calendars' }).click();
    await microsoft.getByText('Saved. Newly selected calendars sync now.').waitFor();
    await microsoft.getByRole('button', { name: 'Hide calendars' }).click();
    // The delegation ends: Graph answers 403 for that calendar only; the connection stays healthy.
    stack.microsoft.setCalendarAccess(MICROSOFT_EMAIL, bossCalendarId, 'denied');
    await microsoft.getByRole('button', { name: 'Sync now' }).click();
    await waitFor(
      () => microsoft.textContent(),
      (text) => !!text?.includes(`The calendar ${BOSS_CALENDAR} has a problem`),
      { what: 'the calendar issue on the card', timeoutMs: 60_000 },
    );
    await waitForStatus(MICROSOFT_EMAIL, 'Healthy');
    await microsoft.getByRole('button', { name: 'Calendars' }).click();
    await microsoft
      .getByRole('rowheader', { name: new RegExp(BOSS_CALENDAR) })
      .getByText("This calendar can't be read with the access granted.")
      .waitFor();
    await expectAccessible('calendar issue');
    await microsoft.scrollIntoViewIfNeeded();
    await screenshot(page, 'calendar-issue');
    // Access comes back; the problem clears with the next sync.
    stack.microsoft.setCalendarAccess(MICROSOFT_EMAIL, bossCalendarId, 'granted');
    await microsoft.getByRole('button', { name: 'Hide calendars' }).click();
  });

  step('schedules a meeting: the API error lands on its field, then the meeting is in the events view and at the provider', async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Schedule meeting' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule meeting' });
    await dialog.getByLabel('Title').fill('Demo with Bob');
    await dialog.getByLabel('Start').fill(`${tomorrow}T10:00`);
    // Pre-filled with the organization's default.
    expect(await dialog.getByLabel('Duration (minutes)').inputValue()).toBe('30');
    await dialog.getByLabel('Attendees').fill(`bob@example.org, ${MICROSOFT_EMAIL}`);
    // Busy blocks of that day: the own Standup (09:00) and the Microsoft account's Quarterly review (16:00).
    await dialog.getByText('Everyone shown is free at the proposed time.').waitFor();
    await dialog.getByText('no calendar connected in your organization').waitFor();
    expect(await dialog.locator('.busy-row', { hasText: MICROSOFT_EMAIL }).locator('.busy-block').count()).toBe(1);
    await expectAccessible('schedule meeting dialog');
    await screenshot(page, 'schedule-meeting');

    await dialog.getByLabel('Duration (minutes)').fill('5');
    await dialog.getByRole('button', { name: 'Schedule meeting' }).click();
    await dialog.getByText('must be a whole number of minutes from 15 to 480').waitFor();
    expect(await dialog.getByLabel('Duration (minutes)').getAttribute('aria-invalid')).toBe('true');

    await dialog.getByLabel('Duration (minutes)').fill('45');
    await dialog.getByRole('button', { name: 'Schedule meeting' }).click();
    const done = page.getByRole('dialog', { name: 'Meeting scheduled' });
    await done.getByText('Demo with Bob').waitFor();
    const atProvider = stack.google.listEvents(GOOGLE_EMAIL).filter((event) => event.title === 'Demo with Bob');
    expect(atProvider).toHaveLength(1);

    await done.getByRole('link', { name: 'See it in Events' }).click();
    await page.getByRole('heading', { level: 1, name: 'Events' }).waitFor();
    await page.getByRole('button', { name: /Demo with Bob/ }).waitFor();
    await page.getByRole('button', { name: /Standup/ }).waitFor();
    await expectAccessible('events (day)');
    await screenshot(page, 'events-day');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('heading', { name: /^Week of/ }).waitFor();
    await page.getByRole('button', { name: /Quarterly review/ }).waitFor();
    await expectAccessible('events (week)');
    await screenshot(page, 'events-week');
  });

  step('shows the meeting in the activity timeline with its calendar badge', async () => {
    await nav('Activity');
    const item = page.locator('.timeline-item', { hasText: 'Demo with Bob' });
    await item.getByTestId('calendar-activity-indicator').waitFor();
    expect(await item.getByTestId('calendar-activity-indicator').textContent()).toContain('In Google Calendar');
    await expectAccessible('activity');
    await screenshot(page, 'activity');
    await item.getByTestId('calendar-activity-indicator').click();
    const details = page.getByRole('dialog', { name: 'Demo with Bob' });
    await details.getByText('Scheduled from the CRM').waitFor();
    await details.getByRole('heading', { name: 'Change history' }).waitFor();
    await expectAccessible('event details');
    await details.getByRole('button', { name: 'Close' }).click();
  });

  step('produces a conflict and resolves it side by side with a per-field merge', async () => {
    // Calendar-side changes must wait for a sync to make a conflict deterministic: no push for this one.
    await stopCalendarPush(stack, (await connectionRow(GOOGLE_EMAIL)).id);
    stack.google.updateEventAsProvider(GOOGLE_EMAIL, planningId, { title: 'Planning (calendar)', location: 'Calendar room' });

    await nav('Events');
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await page.getByRole('button', { name: 'Next day' }).click();
    await page.getByRole('button', { name: /Planning/ }).click();
    const details = page.getByRole('dialog', { name: 'Planning' });
    await details.getByRole('button', { name: 'Edit event' }).click();
    await details.getByLabel('Title').fill('Planning (CRM)');
    await details.getByRole('button', { name: 'Save to calendar' }).click();
    await details.getByText(/had changed in the calendar too/).waitFor();
    await details.getByRole('link', { name: 'Compare the versions' }).click();

    await page.getByRole('heading', { level: 1, name: 'Conflicts' }).waitFor();
    const table = page.getByRole('table');
    const titleRow = table.getByRole('row', { name: /^Title/ });
    await titleRow.getByText('Planning (CRM)').waitFor();
    await titleRow.getByText('Planning (calendar)').waitFor();
    expect(await titleRow.getByRole('cell').first().textContent()).toBe('Planning');
    await expectAccessible('conflict');
    await screenshot(page, 'conflict');

    await titleRow.getByRole('radio', { name: 'Calendar' }).check();
    await page.getByRole('button', { name: 'Merge selected fields' }).click();
    await page.getByText(/Resolved: a merge of both is now in the CRM and in the calendar/).waitFor();
    // The calendar's title (chosen) and its location (merged automatically) in the calendar and in the CRM.
    expect(stack.google.listEvents(GOOGLE_EMAIL).find((event) => event.id === planningId)?.title).toBe('Planning (calendar)');
    const row = await stack.deps.db.calendarEvent.findFirstOrThrow({ where: { externalEventId: planningId } });
    expect(row).toMatchObject({ title: 'Planning (calendar)', location: 'Calendar room' });
    await page.getByText('Conflict resolved').waitFor();
  });

  step('runs the vault migration from the banner down to pending: 0', async () => {
    await insertLegacyConnections(stack.deps.db, { organizationId: 'acme', count: 30 });
    await nav('Settings');
    await nav('Connections');
    const banner = page.getByRole('region', { name: 'Vault migration available' });
    await banner.getByText('30 connections still keep tokens').waitFor();
    await expectAccessible('vault migration banner');
    await banner.getByRole('button', { name: 'Run vault migration' }).click();
    const complete = page.getByRole('region', { name: 'Vault migration complete' });
    await complete.waitFor({ timeout: 60_000 });
    expect(await complete.getByTestId('vault-pending').textContent()).toBe('0');
    await screenshot(page, 'vault-migration');
    expect(await stack.deps.db.calendarConnection.count({ where: { organizationId: 'acme', migrationRequired: true } })).toBe(0);
  });

  step('registers the organization’s Google OAuth client; the secret is never shown again', async () => {
    const banner = page.getByRole('region', { name: 'Google credentials' });
    await banner.getByRole('button', { name: 'Configure organization credentials' }).click();
    const form = page.getByRole('dialog', { name: "Your organization's Google OAuth client" });
    await form.getByLabel('Client ID').fill('acme-client.apps.googleusercontent.com');
    await form.getByLabel('Client secret').fill('acme-secret-not-to-be-shown');
    await expectAccessible('Google credentials form');
    await screenshot(page, 'google-credentials');
    await form.getByRole('button', { name: 'Save credentials' }).click();
    await banner.getByText('acme-client.apps.googleusercontent.com').waitFor();
    expect(await page.content()).not.toContain('acme-secret-not-to-be-shown');
    // Existing connections keep the client they were made with.
    expect(await card(GOOGLE_EMAIL).getByText('Platform default').count()).toBe(1);
    await banner.getByRole('button', { name: 'Use platform default' }).click();
    await banner.getByText("Google connections use the platform's default OAuth client").waitFor();
  });

  step('changes settings within their ranges and names the range on the field otherwise', async () => {
    await nav('Settings');
    const duration = page.getByLabel('Default meeting duration (minutes)');
    await duration.fill('500');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('must be a whole number of minutes from 15 to 480').waitFor();
    expect(await duration.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible('settings with an error');
    await screenshot(page, 'settings');
    await duration.fill('45');
    // The shortest reminder lead, for the notifications step.
    await page.getByLabel('Pre-meeting notification (minutes)').fill('5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await stack.deps.db.moduleSettings.findFirstOrThrow({ where: { organizationId: 'acme' } })).toMatchObject({
      defaultMeetingDurationMinutes: 45,
      preMeetingNotificationMinutes: 5,
    });
  });

  step('reconnects a calendar whose access was revoked, then disconnects one after confirmation', async () => {
    await nav('Connections');
    stack.google.revokeGrants(GOOGLE_EMAIL);
    await card(GOOGLE_EMAIL).getByRole('button', { name: 'Sync now' }).click();
    await waitForStatus(GOOGLE_EMAIL, 'Needs reconnect');
    await card(GOOGLE_EMAIL).getByText('withdrew access').waitFor();
    // Reconnecting names the account, so the sandbox signs it in without asking.
    const popupOpened = page.waitForEvent('popup');
    await card(GOOGLE_EMAIL).getByRole('button', { name: 'Reconnect' }).click();
    const popup = await popupOpened;
    // It may be done already (isClosed and the listener are set up in one turn: no close is missed).
    if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: 60_000 });
    const reconnected = page.getByRole('status').filter({ hasText: 'Google Calendar is reconnected. Syncing resumes now.' });
    await reconnected.waitFor();
    await waitForStatus(GOOGLE_EMAIL, 'Healthy');
    await reconnected.getByRole('button', { name: 'Dismiss' }).click();

    await card(MICROSOFT_EMAIL).getByRole('button', { name: 'Disconnect' }).click();
    const confirm = page.getByRole('dialog', { name: `Disconnect ${MICROSOFT_EMAIL}?` });
    await expectAccessible('disconnect confirmation');
    await confirm.getByRole('button', { name: 'Disconnect' }).click();
    await card(MICROSOFT_EMAIL).waitFor({ state: 'detached', timeout: 60_000 });
    expect((await connectionRow(MICROSOFT_EMAIL)).status).toBe('disconnected');
  });

  step('holds a mass deletion at the provider for a decision, and confirms it from the console', async () => {
    await waitForStatus(GOOGLE_EMAIL, 'Healthy');
    const row = await connectionRow(GOOGLE_EMAIL);
    const live = () => stack.deps.db.calendarEvent.count({ where: { connectionId: row.id, status: { not: 'cancelled' } } });
    const before = await live();
    // Most of the calendar disappears at the provider at once (one synchronous loop: no sync runs in between).
    for (const id of bulkIds.slice(0, 20)) stack.google.deleteEventAsProvider(GOOGLE_EMAIL, id);
    await card(GOOGLE_EMAIL).getByRole('button', { name: 'Sync now' }).click();
    await waitForStatus(GOOGLE_EMAIL, 'Needs attention');
    const held = card(GOOGLE_EMAIL).getByRole('region', { name: 'Deletions on hold' });
    await held.getByText(`20 of its ${before} events were deleted at the provider at once`).waitFor();
    await card(GOOGLE_EMAIL).getByText('20 deletions are on hold').waitFor();
    expect(await live()).toBe(before);
    await expectAccessible('needs attention');
    await screenshot(page, 'needs-attention');

    await held.getByRole('button', { name: 'Confirm deletions' }).click();
    await held.getByText('Confirmed: 20 events were deleted here too.').waitFor();
    await waitForStatus(GOOGLE_EMAIL, 'Healthy');
    expect(await live()).toBe(before - 20);
  });

  step('lists a reminder in Notifications with the unread count, and marks it read from the keyboard', async () => {
    const alice = await stack.signToken({
      org: 'acme',
      user: 'alice',
      permissions: [PERMISSIONS.view, PERMISSIONS.connect, PERMISSIONS.schedule],
    });
    const row = await connectionRow(GOOGLE_EMAIL);
    // A meeting inside the reminder lead (5 minutes, saved on the Settings screen): its reminder is due at once.
    const scheduled = await call(stack, 'POST', `/v1/connections/${row.id}/meetings`, {
      token: alice,
      headers: { 'idempotency-key': 'console-reminder' },
      body: { title: 'Quick call', start: new Date(Math.ceil(Date.now() / 1000) * 1000 + 3 * 60_000).toISOString(), durationMinutes: 15 },
    });
    expect(scheduled.status).toBe(201);
    expect((await call(stack, 'POST', `/v1/connections/${row.id}/sync`, { token: alice, body: {} })).status).toBe(202);

    await nav('Notifications');
    const item = page.locator('li.notification', { hasText: 'Starting in 5 min: Quick call' });
    await item.waitFor({ timeout: 60_000 });
    await item.getByText('Reminder', { exact: true }).waitFor();
    // The connection alerts of the steps before (access withdrawn, deletions held) are listed too.
    await page
      .locator('li.notification', { hasText: 'Reconnect your Google calendar' })
      .getByText('Connection alert', { exact: true })
      .waitFor();
    const unread = () => stack.deps.db.notification.count({ where: { organizationId: 'acme', userId: 'alice', readAt: null } });
    const expected = await unread();
    expect(expected).toBeGreaterThanOrEqual(2);
    const badge = page.getByRole('navigation', { name: 'Sections' }).getByTestId('unread-badge');
    await waitFor(
      () => badge.textContent(),
      (text) => text === `${expected} unread`,
      { what: 'the unread badge to count the reminder and the alerts', timeoutMs: 30_000 },
    );
    await expectAccessible('notifications');
    await screenshot(page, 'notifications');

    await item.getByRole('button', { name: 'Mark as read' }).press('Enter');
    await item.getByRole('button', { name: 'Mark as read' }).waitFor({ state: 'detached' });
    await waitFor(
      () => badge.textContent(),
      (text) => text === `${expected - 1} unread`,
      { what: 'the unread badge to count one less', timeoutMs: 30_000 },
    );
    // The keyboard user's place is kept: focus is on the notification just read.
    expect(await page.evaluate('document.activeElement?.textContent ?? ""')).toContain('Quick call');
    const stored = await stack.deps.db.notification.findFirstOrThrow({
      where: { organizationId: 'acme', userId: 'alice', type: 'calendar.pre_meeting' },
    });
    expect(stored.readAt).not.toBeNull();
    // The rest read too, one by one.
    for (let left = expected - 1; left > 0; left -= 1) {
      await page.locator('li.notification').getByRole('button', { name: 'Mark as read' }).first().click();
      await waitFor(unread, (count) => count === left - 1, { what: 'one more notification read', timeoutMs: 30_000 });
    }
    await badge.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Unread', exact: true }).click();
    await page.getByText('Nothing unread.').waitFor();
    await expectAccessible('notifications (unread, empty)');
  });

  step('shows a viewer without connect no connect button, and takes a token handed over in the URL fragment', async () => {
    const viewerContext = await newContext(browser);
    try {
      const viewer = await viewerContext.newPage();
      const token = await stack.signToken({ org: 'acme', user: 'carol', permissions: [PERMISSIONS.view] });
      await viewer.goto(`${stack.apiUrl}/console/#token=${token}`);
      await viewer.getByRole('heading', { name: 'Calendar connections' }).waitFor();
      // The token left the address bar (and the history) at once.
      expect(viewer.url()).toBe(`${stack.apiUrl}/console/`);
      await viewer.getByText('Ask an administrator for permission to connect one.').waitFor();
      expect(await viewer.getByRole('button', { name: /^Connect / }).count()).toBe(0);
      expect(await viewer.getByRole('button', { name: 'Schedule meeting' }).count()).toBe(0);
      expect(await viewer.getByRole('region', { name: 'Google credentials' }).count()).toBe(0);
      const results = await seriousViolations(viewer);
      expect(results).toEqual([]);
      await screenshot(viewer, 'viewer');
    } finally {
      await viewerContext.close();
    }
  });
});
