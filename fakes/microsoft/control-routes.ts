// /__fake/...: the FakeProviderControl methods over HTTP, so a separate process (the sandbox started by
// `npm start`, a benchmark) can seed and steer a running fake. Loopback-only like the fake itself.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { FakeProviderControl } from '../types';

type Control = FakeProviderControl & {
  caCertificate: string;
  sendLifecycleNotification(id: string, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): boolean;
  addCalendar(email: string, input: { name: string; readOnly?: boolean; accessDenied?: boolean }): string;
  setCalendarAccess(email: string, calendarId: string, access: 'granted' | 'denied'): void;
  setPersonalAccount(email: string, personal: boolean): void;
  setMailboxTimeZone(email: string, timeZone: string): void;
  setNotificationsDropped(email: string, dropped: boolean): void;
  usageStats(): unknown;
  resetUsage(): void;
};

export function controlRouter(fake: Control): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '50mb' }));
  const wrap = (fn: (req: Request, res: Response) => unknown) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = await fn(req, res);
      if (!res.headersSent) res.json(result ?? { ok: true });
    } catch (error) {
      if (error instanceof Error && !(error as { status?: number }).status) res.status(400).json({ error: error.message });
      else next(error);
    }
  };
  const email = (req: Request) => String(req.params.email);
  const calendarId = (req: Request) => (typeof req.query.calendarId === 'string' ? req.query.calendarId : undefined);

  router.get('/ca.pem', (_req, res) => {
    res.type('application/x-pem-file').send(fake.caCertificate);
  });
  router.get(
    '/info',
    wrap(() => ({ provider: fake.provider, baseUrl: fake.baseUrl })),
  );
  router.post(
    '/clients',
    wrap((req) => fake.registerClient(String(req.body.clientId), String(req.body.clientSecret))),
  );
  router.post(
    '/accounts/:email',
    wrap((req) => ({ calendarId: fake.ensureAccount(email(req)) })),
  );
  router.get(
    '/accounts/:email/events',
    wrap((req) => ({ value: fake.listEvents(email(req), calendarId(req)) })),
  );
  router.post(
    '/accounts/:email/events',
    wrap((req) => {
      const body = req.body as { event?: never; events?: never[] };
      return {
        ids: body.events
          ? fake.seedEvents(email(req), body.events, calendarId(req))
          : [fake.seedEvent(email(req), body.event as never, calendarId(req))],
      };
    }),
  );
  router.patch(
    '/accounts/:email/events/:id',
    wrap((req) => fake.updateEventAsProvider(email(req), String(req.params.id), req.body, calendarId(req))),
  );
  router.delete(
    '/accounts/:email/events/:id',
    wrap((req) => fake.deleteEventAsProvider(email(req), String(req.params.id), calendarId(req))),
  );
  router.post(
    '/accounts/:email/revoke',
    wrap((req) => fake.revokeGrants(email(req))),
  );
  router.post(
    '/accounts/:email/recreate',
    wrap((req) => fake.recreateAccount(email(req))),
  );
  router.post(
    '/accounts/:email/calendars',
    wrap((req) => ({
      calendarId: fake.addCalendar(email(req), {
        name: String(req.body?.name ?? 'Calendar'),
        readOnly: req.body?.readOnly === true,
        accessDenied: req.body?.accessDenied === true,
      }),
    })),
  );
  router.put(
    '/accounts/:email/calendars/:calendarId/access',
    wrap((req) => fake.setCalendarAccess(email(req), String(req.params.calendarId), req.body?.access === 'denied' ? 'denied' : 'granted')),
  );
  router.delete(
    '/accounts/:email/calendars/:calendarId',
    wrap((req) => fake.deleteCalendar(email(req), String(req.params.calendarId))),
  );
  router.put(
    '/accounts/:email/time-zone',
    wrap((req) => fake.setMailboxTimeZone(email(req), String(req.body?.timeZone ?? 'UTC'))),
  );
  router.put(
    '/accounts/:email/personal',
    wrap((req) => fake.setPersonalAccount(email(req), req.body?.personal === true)),
  );
  router.put(
    '/accounts/:email/notifications-dropped',
    wrap((req) => fake.setNotificationsDropped(email(req), req.body?.dropped === true)),
  );
  router.get(
    '/usage',
    wrap(() => fake.usageStats()),
  );
  router.delete(
    '/usage',
    wrap(() => fake.resetUsage()),
  );
  router.get(
    '/accounts/:email/subscriptions',
    wrap((req) => ({ value: fake.listPushChannels(email(req)) })),
  );
  router.post(
    '/authorize',
    wrap((req) => fake.authorize(String(req.body.authorizationUrl), String(req.body.email))),
  );
  router.post(
    '/expire-access-tokens',
    wrap((req) => fake.expireAccessTokens(req.body?.email)),
  );
  router.post(
    '/expire-sync-cursors',
    wrap((req) => fake.expireSyncCursors(req.body?.email)),
  );
  router.post(
    '/faults',
    wrap((req) => fake.injectFault(req.body)),
  );
  router.delete(
    '/faults',
    wrap(() => fake.clearFaults()),
  );
  router.post(
    '/subscriptions/:id/lifecycle',
    wrap((req) => ({ sent: fake.sendLifecycleNotification(String(req.params.id), req.body.event) })),
  );
  router.get(
    '/requests',
    wrap(() => ({ value: fake.requests() })),
  );
  router.delete(
    '/requests',
    wrap(() => fake.clearRequests()),
  );
  return router;
}
