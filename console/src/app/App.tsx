// The signed-in console: a header with the user and the sections, and one screen per section. Without a
// session it shows the sign-in screen.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { api } from '../api/client';
import type { Me } from '../api/types';
import { ActivityPage } from '../activity/ActivityPage';
import { ConflictsPage } from '../conflicts/ConflictsPage';
import { CalendarConnectionSettingsPage } from '../connections/CalendarConnectionSettingsPage';
import { EventsPage } from '../events/EventsPage';
import { unreadBadge } from '../notifications/kinds';
import { NotificationsPage } from '../notifications/NotificationsPage';
import { useUnreadCount } from '../notifications/queries';
import { ScheduleMeetingDialog } from '../meetings/ScheduleMeetingDialog';
import { SessionContext, sessionInfo, useSession } from '../session/permissions';
import { SignIn } from '../session/SignIn';
import { endSession, sessionState, subscribe } from '../session/token';
import { SettingsPage } from '../settings/SettingsPage';
import { LoadFailed, Loading } from '../ui/Notice';

export function App() {
  const session = useSyncExternalStore(subscribe, sessionState);
  const queryClient = useQueryClient();
  // A new session must never see the previous one's data: forget it all when a session ends.
  const previousToken = useRef(session.token);
  useEffect(() => {
    if (previousToken.current && !session.token) queryClient.clear();
    previousToken.current = session.token;
  }, [session.token, queryClient]);
  if (!session.token) return <SignIn endedBecause={session.endedBecause} />;
  return <SignedIn token={session.token} />;
}

function SignedIn(props: { token: string }) {
  const me = useQuery({ queryKey: ['me', props.token], queryFn: () => api<Me>('GET', '/v1/me') });
  if (me.isPending) return <Loading what="your session" />;
  if (me.isError) return <LoadFailed what="your session" error={me.error} retry={() => void me.refetch()} />;
  return (
    <SessionContext.Provider value={sessionInfo(me.data)}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell() {
  const [scheduling, setScheduling] = useState(false);
  const { me, can } = useSession();
  if (!can('view')) {
    return (
      <main className="page" id="main">
        <h1>Calendar console</h1>
        <p>
          Your account ({me.userId} in {me.organizationId}) has no calendar permissions. Ask an administrator for{' '}
          <code>ce.calendar.view</code>.
        </p>
        <button type="button" onClick={() => endSession()}>
          Sign out
        </button>
      </main>
    );
  }
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">Calendar</div>
        <nav aria-label="Sections">
          <NavLink to="/" end>
            Connections
          </NavLink>
          <NavLink to="/events">Events</NavLink>
          <NavLink to="/activity">Activity</NavLink>
          <NavLink to="/conflicts">Conflicts</NavLink>
          <NotificationsLink />
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <div className="who">
          {can('schedule') && (
            <button type="button" className="primary" onClick={() => setScheduling(true)}>
              Schedule meeting
            </button>
          )}
          <span className="muted" title={me.permissions.join(', ')}>
            {me.userId} · {me.organizationId}
          </span>
          <button type="button" onClick={() => endSession()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page" id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<CalendarConnectionSettingsPage />} />
          <Route path="/events" element={<EventsPage onSchedule={can('schedule') ? () => setScheduling(true) : undefined} />} />
          <Route path="/activity" element={<ActivityPage onSchedule={can('schedule') ? () => setScheduling(true) : undefined} />} />
          <Route path="/conflicts" element={<ConflictsPage />} />
          <Route path="/conflicts/:conflictId" element={<ConflictsPage />} />
          <Route path="/notifications" element={<NotificationsPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </main>
      {scheduling && <ScheduleMeetingDialog onClose={() => setScheduling(false)} />}
    </>
  );
}

/** "Notifications" with the unread count as a badge (in words for screen readers). */
function NotificationsLink() {
  const unread = useUnreadCount();
  const badge = unreadBadge(unread.data ?? 0);
  return (
    <NavLink to="/notifications">
      Notifications{' '}
      {badge && (
        <span className="badge" data-testid="unread-badge">
          {badge}
          <span className="visually-hidden"> unread</span>
        </span>
      )}
    </NavLink>
  );
}
