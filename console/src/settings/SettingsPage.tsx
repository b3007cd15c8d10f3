// The organization's three calendar settings with their ranges. Admins change them; an out-of-range
// value gets the API's message, naming the range, on its field.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiProblem } from '../api/client';
import type { Settings } from '../api/types';
import { useSession } from '../session/permissions';
import { Field } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { LoadFailed, Loading, Notice } from '../ui/Notice';

type Name = keyof Settings['ranges'];

const FIELDS: Array<{ name: Name; label: string; description: string }> = [
  { name: 'defaultMeetingDurationMinutes', label: 'Default meeting duration', description: 'Pre-filled duration for new meetings.' },
  { name: 'syncPollIntervalMinutes', label: 'Sync poll interval', description: 'How often calendars are checked for changes.' },
  {
    name: 'preMeetingNotificationMinutes',
    label: 'Pre-meeting notification',
    description: 'Minutes before a meeting its reminder goes out.',
  },
];

export function SettingsPage() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api<Settings>('GET', '/v1/settings') });
  const [values, setValues] = useState<Record<Name, string>>({
    defaultMeetingDurationMinutes: '',
    syncPollIntervalMinutes: '',
    preMeetingNotificationMinutes: '',
  });
  useEffect(() => {
    if (!settings.data) return;
    const data = settings.data;
    setValues({
      defaultMeetingDurationMinutes: String(data.defaultMeetingDurationMinutes),
      syncPollIntervalMinutes: String(data.syncPollIntervalMinutes),
      preMeetingNotificationMinutes: String(data.preMeetingNotificationMinutes),
    });
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (patch: Partial<Record<Name, number>>) => api<Settings>('PATCH', '/v1/settings', { body: patch }),
    onSuccess: (answer) => queryClient.setQueryData(['settings'], answer),
  });

  if (settings.isPending) return <Loading what="settings" />;
  if (settings.isError) return <LoadFailed what="settings" error={settings.error} retry={() => void settings.refetch()} />;
  const data = settings.data;
  const editable = can('admin');
  const problem = save.error instanceof ApiProblem ? save.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Only what changed; a field that is not a number is sent as typed, so the API names its range.
    const patch: Record<string, unknown> = {};
    for (const { name } of FIELDS) {
      if (values[name] !== String(data[name])) patch[name] = values[name].trim() === '' ? null : Number(values[name]);
    }
    if (Object.keys(patch).length > 0) save.mutate(patch as Partial<Record<Name, number>>);
  };

  return (
    <>
      <h1>Settings</h1>
      <p className="muted">
        Calendar settings of your organization.{' '}
        {editable ? 'Changes apply to every connection at once.' : 'Only an administrator can change them.'}
      </p>
      <form className="card settings-form" onSubmit={submit} noValidate>
        {FIELDS.map(({ name, label, description }) => {
          const range = data.ranges[name];
          return (
            <Field
              key={name}
              label={`${label} (minutes)`}
              type="number"
              inputMode="numeric"
              value={values[name]}
              onChange={(event) => setValues((current) => ({ ...current, [name]: event.target.value }))}
              readOnly={!editable}
              hint={`${description} ${range.min}–${range.max} minutes, default ${range.default}.`}
              error={problem?.forField(name)}
            />
          );
        })}
        {problem && problem.details.length === 0 && <Notice kind="error">{problem.message}</Notice>}
        {save.isSuccess && <Notice kind="success">Saved.</Notice>}
        {data.updatedAt && <p className="muted">Last changed {formatDateTime(data.updatedAt)}.</p>}
        {editable && (
          <div className="actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save settings'}
            </button>
          </div>
        )}
      </form>
    </>
  );
}
