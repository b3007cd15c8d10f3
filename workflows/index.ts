// Every workflow the worker runs. This file is the entry of the workflow bundle: only deterministic code
// may be reachable from here (no I/O, no Date.now(), no Math.random(): the SDK's sandbox replaces them).
export { probeWorkflow } from './probe';
export { connectionWorkflow } from './connection/workflow';
export { vaultMigrationWorkflow } from './vault-migration/workflow';
export { cleanupWorkflow } from './cleanup/workflow';
export { webhookEndpointWorkflow } from './webhook-endpoint/workflow';
