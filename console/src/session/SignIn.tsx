// Signing in. In production the CRM opens the console with a short-lived token in the URL fragment
// (/console/#token=<jwt>, README "The console"); nothing is asked here. On a development service (the
// development signing key, not production) the API offers a development sign-in: organization, user and
// permissions mint a token, so `npm start` and /console is the whole demo.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiProblem } from '../api/client';
import { Field } from '../ui/Field';
import { Notice } from '../ui/Notice';
import { PERMISSIONS } from './permissions';
import { startSession } from './token';

const PERMISSION_LABELS: Record<string, string> = {
  [PERMISSIONS.connect]: 'Connect and disconnect calendars',
  [PERMISSIONS.schedule]: 'Schedule meetings and resolve conflicts',
  [PERMISSIONS.view]: 'View own synced events',
  [PERMISSIONS.viewAll]: "View the organization's events",
  [PERMISSIONS.admin]: 'Administer calendar settings',
};

const PRESETS: Array<{ label: string; permissions: string[] }> = [
  { label: 'Organization admin', permissions: Object.values(PERMISSIONS) },
  { label: 'Member', permissions: [PERMISSIONS.connect, PERMISSIONS.schedule, PERMISSIONS.view] },
  { label: 'Viewer', permissions: [PERMISSIONS.view] },
];

export function SignIn(props: { endedBecause: string | null }) {
  const available = useQuery({
    queryKey: ['dev-sign-in'],
    queryFn: () =>
      api<{ permissions: string[] }>('GET', '/v1/dev/sign-in').catch((error: unknown) => {
        // Absent outside development: the API asks for a token there (401), like for any other path.
        if (error instanceof ApiProblem && (error.status === 401 || error.status === 404)) return null;
        throw error;
      }),
    retry: false,
  });
  return (
    <main className="sign-in" id="main">
      <h1>Calendar console</h1>
      {props.endedBecause && <Notice kind="warning">{props.endedBecause}</Notice>}
      {available.isPending && <p className="muted">Checking how to sign in…</p>}
      {available.data && <DevelopmentSignIn permissions={available.data.permissions} />}
      {(available.data === null || available.isError) && (
        <section className="card">
          <h2>Open the console from your CRM</h2>
          <p>
            This console is opened by your CRM with a short-lived sign-in. Go back to the CRM and open the calendar settings again; for your
            security, the console forgets the sign-in when the page is reloaded or closed.
          </p>
        </section>
      )}
    </main>
  );
}

function DevelopmentSignIn(props: { permissions: string[] }) {
  const [organizationId, setOrganizationId] = useState('acme');
  const [userId, setUserId] = useState('alice');
  const [granted, setGranted] = useState<string[]>(props.permissions);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const answer = await api<{ token: string }>('POST', '/v1/dev/sign-in', { body: { organizationId, userId, permissions: granted } });
      startSession(answer.token);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'error', 'Signing in failed'));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (permission: string) =>
    setGranted((current) => (current.includes(permission) ? current.filter((p) => p !== permission) : [...current, permission]));

  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate>
      <h2>Development sign-in</h2>
      <p className="muted">
        This service runs on its development key with sandbox calendars, so you can sign in as anyone. A production service has no such
        form: the CRM opens the console.
      </p>
      <Field
        label="Organization"
        value={organizationId}
        onChange={(e) => setOrganizationId(e.target.value)}
        error={problem?.forField('organizationId')}
        autoComplete="off"
      />
      <Field
        label="User"
        value={userId}
        onChange={(e) => setUserId(e.target.value)}
        error={problem?.forField('userId')}
        autoComplete="off"
      />
      <fieldset>
        <legend>Permissions</legend>
        <div className="presets" role="group" aria-label="Permission presets">
          {PRESETS.map((preset) => (
            <button key={preset.label} type="button" className="chip" onClick={() => setGranted(preset.permissions)}>
              {preset.label}
            </button>
          ))}
        </div>
        {props.permissions.map((permission) => (
          <label key={permission} className="check">
            <input type="checkbox" checked={granted.includes(permission)} onChange={() => toggle(permission)} />
            <span>
              {PERMISSION_LABELS[permission] ?? permission} <code>{permission}</code>
            </span>
          </label>
        ))}
      </fieldset>
      {problem && !problem.details.length && <Notice kind="error">{problem.message}</Notice>}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}
