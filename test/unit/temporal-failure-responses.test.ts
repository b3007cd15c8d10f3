// What the API answers when Temporal itself refuses a call, from the errors the SDK throws (a ServiceError
// wrapping the gRPC status): a workflow whose last task failed (its worker was killed holding it) refuses
// updates with FAILED_PRECONDITION for seconds: the client sends the update again meanwhile, and past its
// deadline the caller hears "retry with the same key", not a 500.
import { ServiceError } from '@temporalio/client';
import { sendWhileTaskRecovers } from '../../clients/connection-workflow';
import { isWorkflowTaskRecovering } from '../../clients/temporal-errors';
import { failureResponse } from '../../api/routing/failure-responses';

// gRPC status codes (grpc.io/docs/guides/status-codes).
const grpcStatus = { FAILED_PRECONDITION: 9, INTERNAL: 13, UNAVAILABLE: 14 } as const;
const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('Temporal refusals as API answers', () => {
  const recovering = new ServiceError('Workflow Update failed', {
    cause: grpcError(grpcStatus.FAILED_PRECONDITION, 'Unable to perform workflow execution update due to Workflow Task in failed state.'),
  });

  it('a workflow task in failed state is a 503 to retry with the same Idempotency-Key', () => {
    expect(isWorkflowTaskRecovering(recovering)).toBe(true);
    const answer = failureResponse(recovering, 'Meeting');
    expect(answer).toMatchObject({ status: 503, code: 'workflow_unavailable', headers: { 'Retry-After': '2' } });
    expect(answer?.message).toContain('retry with the same Idempotency-Key');
  });

  it('other refusals keep their own answers', () => {
    const unavailable = new ServiceError('Workflow Update failed', { cause: grpcError(grpcStatus.UNAVAILABLE, 'connection refused') });
    expect(isWorkflowTaskRecovering(unavailable)).toBe(false);
    expect(failureResponse(unavailable, 'Meeting')).toMatchObject({ status: 503, code: 'temporal_unavailable' });
    const unknown = new ServiceError('Workflow Update failed', { cause: grpcError(grpcStatus.INTERNAL, 'boom') });
    expect(failureResponse(unknown, 'Meeting')).toBeUndefined();
  });
});

describe('sending an update while the workflow task recovers', () => {
  const recovering = () =>
    new ServiceError('Workflow Update failed', {
      cause: grpcError(grpcStatus.FAILED_PRECONDITION, 'Unable to perform workflow execution update due to Workflow Task in failed state.'),
    });

  it('sends again until the server admits it', async () => {
    let tries = 0;
    const send = async () => {
      tries += 1;
      if (tries < 3) throw recovering();
      return 'scheduled';
    };
    await expect(sendWhileTaskRecovers(send, Date.now() + 5_000, 10)).resolves.toBe('scheduled');
    expect(tries).toBe(3);
  });

  it('gives up with the refusal at the deadline, and throws any other error at once', async () => {
    let tries = 0;
    const alwaysRecovering = async () => {
      tries += 1;
      throw recovering();
    };
    await expect(sendWhileTaskRecovers(alwaysRecovering, Date.now() + 100, 10)).rejects.toBeInstanceOf(ServiceError);
    expect(tries).toBeGreaterThan(1);

    tries = 0;
    const broken = async () => {
      tries += 1;
      throw new ServiceError('Workflow Update failed', { cause: grpcError(grpcStatus.INTERNAL, 'boom') });
    };
    await expect(sendWhileTaskRecovers(broken, Date.now() + 5_000, 10)).rejects.toThrow('Workflow Update failed');
    expect(tries).toBe(1);
  });
});
