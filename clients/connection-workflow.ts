// The one typed client of the connection workflow (workflows/connection): start it, send it signals and
// updates, read its status. Every API route and service talks to a connection's workflow through this
// class. A workflow that is not running (it failed, or an operator terminated it) is started again by the
// call itself (signal-with-start, update-with-start), so a request for a live connection row never gets lost.
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { ProviderId } from '../providers/types';
import {
  connectionWorkflowId,
  reconnectSignal,
  statusQuery,
  type ConnectionStatus,
  type ConnectionWorkflowInput,
} from '../workflows/connection/messages';
import type { connectionWorkflow } from '../workflows/connection/workflow';
import { CalendarProvider, ConnectionHealth, OrganizationId, UserId } from '../workflows/search-attributes';
import { isTemporalUnavailable, isWorkflowTaskRecovering } from './temporal-errors';

/** How long a caller waits for an update; past it the client retries with the same id (Idempotency-Key). */
export const UPDATE_TIMEOUT_MS = 30_000;
/** How long to wait before sending an update again that the server refused while the workflow task recovers. */
const RECOVERY_PAUSE_MS = 500;
/** How long a status query may take before the caller gets null. */
export const STATUS_QUERY_TIMEOUT_MS = 2_000;

/** What identifies a connection's workflow and starts it: the connection row's key fields. */
export interface ConnectionRef {
  id: string;
  organizationId: string;
  userId: string;
  provider: string;
}

const WORKFLOW_TYPE = 'connectionWorkflow';
type ConnectionWorkflow = typeof connectionWorkflow;

/**
 * Sends an update (`send`) until it is not refused for a recovering workflow task, pausing `pauseMs` between
 * tries, and no later than `deadline` (ms): a worker that died holding the workflow's task leaves it "in failed
 * state" for the seconds until another worker completes it, and the server refuses updates meanwhile (nothing
 * admitted), so the caller waits that out instead of getting an error. Other errors are thrown at once.
 */
export async function sendWhileTaskRecovers<T>(send: () => Promise<T>, deadline: number, pauseMs = RECOVERY_PAUSE_MS): Promise<T> {
  for (;;) {
    try {
      return await send();
    } catch (error) {
      if (!isWorkflowTaskRecovering(error) || Date.now() + pauseMs >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

export class ConnectionWorkflowClient {
  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
    /** Requested syncs closer together than this are folded into one (SYNC_MIN_GAP_SECONDS). */
    private readonly minSyncGapMs?: number,
  ) {}

  private startOptions(connection: ConnectionRef): WorkflowStartOptions<ConnectionWorkflow> {
    const input: ConnectionWorkflowInput = {
      connectionId: connection.id,
      organizationId: connection.organizationId,
      userId: connection.userId,
      provider: connection.provider as ProviderId,
      ...(this.minSyncGapMs !== undefined ? { minSyncGapMs: this.minSyncGapMs } : {}),
    };
    return {
      taskQueue: this.taskQueue,
      workflowId: connectionWorkflowId(connection.id),
      args: [input],
      typedSearchAttributes: [
        { key: OrganizationId, value: connection.organizationId },
        { key: UserId, value: connection.userId },
        { key: CalendarProvider, value: connection.provider },
        { key: ConnectionHealth, value: 'active' },
      ],
    };
  }

  /**
   * After the OAuth callback stored tokens: starts the connection's workflow, or, when it already runs and
   * the connection had tokens before (a reconnect), tells it to use the new ones.
   */
  async connected(connection: ConnectionRef, hadTokensBefore: boolean): Promise<void> {
    try {
      await this.temporal.workflow.start<ConnectionWorkflow>(WORKFLOW_TYPE, this.startOptions(connection));
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (hadTokensBefore) await this.temporal.workflow.getHandle(connectionWorkflowId(connection.id)).signal(reconnectSignal);
    }
  }

  /** Sends a signal, starting the workflow first when it is not running. */
  async signal<Args extends unknown[]>(connection: ConnectionRef, signal: SignalDefinition<Args>, ...args: NoInfer<Args>): Promise<void> {
    await this.temporal.workflow.signalWithStart<ConnectionWorkflow, Args>(WORKFLOW_TYPE, {
      ...this.startOptions(connection),
      signal,
      signalArgs: args as Args,
    } as never);
  }

  /** Sends a signal only if the workflow runs (e.g. a settings change: a workflow that starts later reads them). */
  async signalIfRunning<Args extends unknown[]>(connectionId: string, signal: SignalDefinition<Args>, ...args: Args): Promise<boolean> {
    try {
      await this.temporal.workflow.getHandle(connectionWorkflowId(connectionId)).signal(signal, ...args);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /**
   * Runs an update and returns its result, within UPDATE_TIMEOUT_MS. `updateId` makes a retried request
   * attach to the first one (same result, nothing done twice). A workflow that is not running is started
   * with the update (update-with-start).
   */
  async update<Ret, Args extends unknown[]>(
    connection: ConnectionRef,
    update: UpdateDefinition<Ret, Args>,
    args: NoInfer<Args>,
    options: { updateId?: string } = {},
  ): Promise<Ret> {
    const handle = this.temporal.workflow.getHandle(connectionWorkflowId(connection.id));
    const deadline = Date.now() + UPDATE_TIMEOUT_MS;
    const once = () =>
      this.temporal.withDeadline(deadline, async () => {
        try {
          // The SDK's overloads cannot take a generic argument list; the definition types it for the caller.
          return await handle.executeUpdate(update as unknown as UpdateDefinition<Ret, [unknown]>, {
            args: args as unknown as [unknown],
            ...options,
          });
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          const startWorkflowOperation = new WithStartWorkflowOperation<ConnectionWorkflow>(WORKFLOW_TYPE, {
            ...this.startOptions(connection),
            workflowIdConflictPolicy: 'USE_EXISTING',
          });
          return this.temporal.workflow.executeUpdateWithStart(update, { args: args as Args, ...options, startWorkflowOperation });
        }
      });
    return sendWhileTaskRecovers(once, deadline);
  }

  /** The workflow's status, or null when it does not answer within STATUS_QUERY_TIMEOUT_MS (or is not running). */
  async status(connectionId: string): Promise<ConnectionStatus | null> {
    try {
      return await this.temporal.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () =>
        this.temporal.workflow.getHandle(connectionWorkflowId(connectionId)).query(statusQuery),
      );
    } catch (error) {
      if (isTemporalUnavailable(error) && !(await this.clusterAnswers())) throw error;
      return null;
    }
  }

  /** One workflow not answering is not the cluster being down: this asks the cluster itself. */
  private clusterAnswers(): Promise<boolean> {
    return this.temporal
      .withDeadline(Date.now() + 1_000, () => this.temporal.workflowService.getSystemInfo({}))
      .then(
        () => true,
        () => false,
      );
  }
}
