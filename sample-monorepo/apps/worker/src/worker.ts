import {
  createSequentialIdGenerator,
  summarizeNote,
  validateNoteInput,
  type Clock,
  type IdGenerator,
  type Note,
  type NoteSummary,
} from "@acme/core";
import type { Logger } from "@acme/logger";
import { createJobQueue, type QueueStats } from "@acme/queue";

export interface DigestPayload {
  readonly note: Note;
}

export interface WorkerOptions {
  intervalMs: number;
  logger: Logger;
  idGenerator?: IdGenerator;
  clock?: Clock;
  /** Called with each finished digest (useful for tests and metrics). */
  onDigest?: (summary: NoteSummary) => void;
}

export interface Worker {
  start(): void;
  /** Stop producing jobs, drain the queue and return final stats. */
  stop(): Promise<QueueStats>;
  stats(): QueueStats;
}

/**
 * Every `intervalMs` the worker produces a synthetic "heartbeat" note, enqueues a
 * digest job for it and processes the job through @acme/queue.
 */
export function createWorker(options: WorkerOptions): Worker {
  const log = options.logger;
  const nextId = options.idGenerator ?? createSequentialIdGenerator("beat");
  const now = options.clock ?? (() => new Date());
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;

  const queue = createJobQueue<DigestPayload, NoteSummary>({
    name: "digest",
    logger: log,
    concurrency: 1,
    timeoutMs: Math.max(options.intervalMs * 5, 1000),
    handler: (job) => summarizeNote(job.payload.note),
    onCompleted: (job, summary) => {
      log.info({ jobId: job.id, slug: summary.slug, words: summary.words }, "digest ready");
      options.onDigest?.(summary);
    },
  });

  function produce(): void {
    tick++;
    const input = validateNoteInput({
      title: `Heartbeat ${tick}`,
      body: `Scheduled digest number ${tick} produced by the worker.`,
      tags: ["heartbeat"],
    });
    const timestamp = now().toISOString();
    const note: Note = { id: nextId(), ...input, createdAt: timestamp, updatedAt: timestamp };
    queue.enqueue({ note });
  }

  return {
    start() {
      if (timer || queue.closed) return;
      log.info({ intervalMs: options.intervalMs }, "worker started");
      produce();
      timer = setInterval(produce, options.intervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await queue.close();
      const stats = queue.stats();
      log.info(stats, "worker drained");
      return stats;
    },
    stats: () => queue.stats(),
  };
}
