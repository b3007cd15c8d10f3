// Connection options for a Temporal cluster: the local dev server by default, any cluster (mTLS or API key)
// through TEMPORAL_* variables. Used by both the worker (NativeConnection) and the API (Connection).
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from './index';

/** Accepted by both Connection.connect (client) and NativeConnection.connect (worker). */
export interface TemporalConnectionOptions {
  address: string;
  apiKey?: string;
  tls?: TLSConfig;
}

export function temporalConnectionOptions(config: Config): TemporalConnectionOptions {
  const { TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca } = config;
  const useTls = Boolean(cert || ca || config.TEMPORAL_API_KEY);
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
    ...(useTls
      ? {
          tls: {
            ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
            ...(ca ? { serverRootCACertificate: readFileSync(ca) } : {}),
            ...(cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : {}),
          },
        }
      : {}),
  };
}
