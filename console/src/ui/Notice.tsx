// Inline messages: results and failures of what the user just did, announced to screen readers.
import type { ReactNode } from 'react';

export function Notice(props: { kind: 'info' | 'success' | 'error' | 'warning'; children: ReactNode; onDismiss?: () => void }) {
  return (
    <div className={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      <div>{props.children}</div>
      {props.onDismiss && (
        <button type="button" className="icon-button" onClick={props.onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {props.what}…
    </p>
  );
}

/** A failed read with a way forward (try again), so no screen is a dead end. */
export function LoadFailed(props: { what: string; error: unknown; retry: () => void }) {
  const message = props.error instanceof Error ? props.error.message : 'Something went wrong.';
  return (
    <Notice kind="error">
      Could not load {props.what}: {message}{' '}
      <button type="button" className="link-button" onClick={props.retry}>
        Try again
      </button>
    </Notice>
  );
}
