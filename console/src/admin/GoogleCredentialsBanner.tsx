// The Google credentials banner (org admins): the organization's own Google OAuth client ("bring your
// own"), used by new connections. The secret is write-only: sent once, stored in the vault, never shown.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiProblem } from '../api/client';
import type { OAuthClient } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { Field } from '../ui/Field';
import { Notice } from '../ui/Notice';

export function GoogleCredentialsBanner() {
  const queryClient = useQueryClient();
  const clients = useQuery({
    queryKey: ['oauth-clients'],
    queryFn: () => api<{ clients: OAuthClient[] }>('GET', '/v1/oauth-clients').then((answer) => answer.clients),
  });
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const stop = useMutation({
    mutationFn: () => api('DELETE', '/v1/oauth-clients/google'),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['oauth-clients'] }),
  });
  const active = clients.data?.find((client) => client.provider === 'google' && client.active);

  return (
    <section className="banner banner-info" aria-labelledby="google-credentials-heading">
      <div>
        <h2 id="google-credentials-heading">Google credentials</h2>
        {active ? (
          <p>
            New Google connections use <strong>your organization&apos;s OAuth client</strong> <code>{active.clientId}</code> (
            {active.connections} connected). The secret is stored encrypted and never shown again.
          </p>
        ) : (
          <p>
            Google connections use the platform&apos;s default OAuth client. Use your own for your branding on the consent screen or your
            Workspace policies.
          </p>
        )}
        {saved && <Notice kind="success">Saved. New Google connections use your organization&apos;s client.</Notice>}
        {stop.error && <Notice kind="error">{stop.error.message}</Notice>}
      </div>
      <div className="actions">
        <button type="button" onClick={() => setEditing(true)}>
          {active ? 'Replace organization credentials' : 'Configure organization credentials'}
        </button>
        {active && (
          <button type="button" className="danger-outline" onClick={() => stop.mutate()} disabled={stop.isPending}>
            Use platform default
          </button>
        )}
      </div>
      {editing && (
        <CredentialsForm
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setSaved(true);
            void queryClient.invalidateQueries({ queryKey: ['oauth-clients'] });
          }}
        />
      )}
    </section>
  );
}

function CredentialsForm(props: { onClose: () => void; onSaved: () => void }) {
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const save = useMutation({
    mutationFn: () => api<OAuthClient>('PUT', '/v1/oauth-clients/google', { body: { clientId, clientSecret } }),
    onSuccess: () => {
      setClientSecret('');
      props.onSaved();
    },
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const redirectUri = `${window.location.origin}/v1/oauth/google/callback`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Dialog title="Your organization's Google OAuth client" onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <ol className="steps">
          <li>In Google Cloud Console, create an OAuth 2.0 Client ID of type Web application.</li>
          <li>
            Add this authorized redirect URI: <code>{redirectUri}</code>
          </li>
          <li>Paste the client ID and secret here.</li>
        </ol>
        <Field
          label="Client ID"
          value={clientId}
          onChange={(e) => setClientId(e.target.value)}
          error={problem?.forField('clientId')}
          autoComplete="off"
          spellCheck={false}
          required
        />
        <Field
          label="Client secret"
          type="password"
          value={clientSecret}
          onChange={(e) => setClientSecret(e.target.value)}
          error={problem?.forField('clientSecret')}
          hint="Write-only: stored encrypted in the vault and never shown again."
          autoComplete="new-password"
          required
        />
        {problem && problem.details.length === 0 && <Notice kind="error">{problem.message}</Notice>}
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save credentials'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
