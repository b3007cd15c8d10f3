// The connection's status as a badge: colour AND words (never colour alone).
import type { Indicator } from './status';

const SYMBOL: Record<Indicator['tone'], string> = { ok: '●', busy: '◌', error: '▲', warn: '◆' };

export function StatusIndicator(props: { indicator: Indicator }) {
  return (
    <span className={`status status-${props.indicator.tone}`} data-testid="connection-status">
      <span aria-hidden="true">{SYMBOL[props.indicator.tone]}</span> {props.indicator.label}
    </span>
  );
}
