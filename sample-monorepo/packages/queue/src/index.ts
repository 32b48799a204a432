import type { Logger } from "@acme/logger";
import PQueue from "p-queue";

export interface Job<T> {
  readonly id: string;
  readonly name: string;
  readonly payload: T;
  readonly enqueuedAt: number;
}

export type JobHandler<T, R> = (job: Job<T>) => Promise<R> | R;

export interface JobQueueOptions<T, R> {
  /** Queue name, used in log lines and job ids. */
  name: string;
  handler: JobHandler<T, R>;
  logger: Logger;
  /** How many jobs may run at once; defaults to 1. */
  concurrency?: number;
  /** Per-job timeout in milliseconds; unset means no timeout. */
  timeoutMs?: number;
  /** Called after each successful job with its result. */
  onCompleted?: (job: Job<T>, result: R) => void;
}

export interface QueueStats {
  readonly enqueued: number;
  readonly processed: number;
  readonly failed: number;
  readonly pending: number;
  readonly waiting: number;
}

export class QueueClosedError extends Error {
  constructor(name: string) {
    super(`queue ${name} is closed`);
    this.name = "QueueClosedError";
  }
}

export interface JobQueue<T> {
  enqueue(payload: T): Job<T>;
  /** Resolves once every enqueued job has settled. */
  drain(): Promise<void>;
  /** Stop accepting jobs, then wait for the queued ones to finish. */
  close(): Promise<void>;
  stats(): QueueStats;
  readonly closed: boolean;
}

export function createJobQueue<T, R = void>(options: JobQueueOptions<T, R>): JobQueue<T> {
  const log = options.logger.child({ queue: options.name });
  const queue = new PQueue({
    concurrency: options.concurrency ?? 1,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  let sequence = 0;
  let processed = 0;
  let failed = 0;
  let closed = false;

  async function run(job: Job<T>): Promise<void> {
    const startedAt = Date.now();
    try {
      const result = await options.handler(job);
      processed++;
      log.info({ jobId: job.id, durationMs: Date.now() - startedAt }, "job processed");
      options.onCompleted?.(job, result);
    } catch (error) {
      failed++;
      log.error({ jobId: job.id, err: error }, "job failed");
    }
  }

  return {
    enqueue(payload) {
      if (closed) throw new QueueClosedError(options.name);
      sequence++;
      const job: Job<T> = {
        id: `${options.name}-${sequence}`,
        name: options.name,
        payload,
        enqueuedAt: Date.now(),
      };
      log.debug({ jobId: job.id }, "job enqueued");
      // run() never rejects, but p-queue's own timeout can; count that as a failure.
      queue.add(() => run(job)).catch((error: unknown) => {
        failed++;
        log.error({ jobId: job.id, err: error }, "job failed");
      });
      return job;
    },
    drain: () => queue.onIdle(),
    async close() {
      closed = true;
      await queue.onIdle();
    },
    stats: () => ({
      enqueued: sequence,
      processed,
      failed,
      pending: queue.pending,
      waiting: queue.size,
    }),
    get closed() {
      return closed;
    },
  };
}
