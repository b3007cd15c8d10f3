// "Connect a calendar": one card per provider the service offers (GET /v1/providers), with its icon, copy
// and the access it asks for. The round trip runs in a popup (api/connect.ts).
import type { Provider } from '../api/types';

export function ConnectCards(props: { providers: Provider[]; busyProvider: string | null; onConnect: (provider: Provider) => void }) {
  return (
    <section aria-labelledby="connect-heading" className="section">
      <h2 id="connect-heading">Connect a calendar</h2>
      <ul className="provider-grid">
        {props.providers.map((provider) => (
          <li key={provider.id} className="card provider-card">
            <div className="provider-head">
              <img src={provider.icon} alt="" width={32} height={32} />
              <h3>{provider.name}</h3>
              {provider.mode === 'sandbox' && (
                <span className="tag" title="A local stand-in for the provider: no real account is needed">
                  Sandbox
                </span>
              )}
            </div>
            <p>{provider.description}</p>
            <details>
              <summary>Access it asks for</summary>
              <ul className="scopes">
                {provider.scopes.map((scope) => (
                  <li key={scope}>
                    <code>{scope}</code>
                  </li>
                ))}
              </ul>
            </details>
            <button
              type="button"
              className="primary"
              onClick={() => props.onConnect(provider)}
              disabled={props.busyProvider !== null}
              aria-busy={props.busyProvider === provider.id}
            >
              {props.busyProvider === provider.id ? 'Waiting for sign-in…' : `Connect ${provider.name}`}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
