// A client and a worker connection to the tests' Temporal dev server, for suites that run workflows on workers
// of their own with mocked activities (no service stack). Call in beforeAll; close in afterAll.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';

export interface TestTemporal {
  client: Client;
  workerConnection: NativeConnection;
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TestTemporal> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const address = process.env.TEMPORAL_TEST_ADDRESS!;
  const clientConnection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection: clientConnection }),
    workerConnection,
    async close() {
      await workerConnection.close();
      await clientConnection.close();
    },
  };
}
