import { PinoNestLogger, type Logger } from '@caudal/platform';
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { PipelineDefinition, Trigger } from './definition';
import type { PartitionExecutor } from './executor';
import { latestCompletePartition } from './partitions';
import type { RunLedger } from './ledger/run-ledger';
import { PipelineQueue } from './queue';

export interface PipelineWorkerOptions {
  pipelines: PipelineDefinition[];
  queue: PipelineQueue;
  executor: PartitionExecutor;
  logger: Logger;
  /** Serve the queue (default true). */
  work?: boolean;
  /** Run the schedules (default true). */
  schedule?: boolean;
}

const WORKER_OPTIONS = Symbol('PIPELINE_WORKER_OPTIONS');

/**
 * A worker replica: each schedule tick enqueues the latest complete partition (one job however many
 * replicas tick), and the queue's jobs run through the executor.
 */
@Injectable()
class PipelineWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Aborted on shutdown: runs in progress stop, are recorded as interrupted, and go back in the queue. */
  private readonly stopping = new AbortController();

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: PipelineWorkerOptions,
    private readonly registry: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { pipelines, queue, executor, logger } = this.options;
    for (const pipeline of pipelines) {
      await queue.ensureQueue(pipeline);
      if (this.options.work !== false) {
        await queue.work(pipeline, async (job) => {
          const result = await executor.run(pipeline, job.partition, job.trigger, {
            fromQueue: true,
            ...(job.runId ? { queuedRunId: job.runId } : {}),
            signal: this.stopping.signal,
            // A schedule job finds the run it asked for going on; any other waits for it to end.
            deferIfBusy: job.trigger !== 'schedule',
          });
          if (result.interrupted || result.lostHold) {
            await this.requeue(
              pipeline,
              job.partition,
              job.trigger,
              result.interrupted ? 'run interrupted by shutdown' : 'run lost its hold on the partition',
            );
          } else if (result.busy) {
            const deferred = await queue.defer(pipeline, job);
            logger.info(
              { pipeline: pipeline.name, partition: job.partition, deferred },
              deferred
                ? 'partition running elsewhere; job put back'
                : 'partition running elsewhere; already queued',
            );
          }
        });
      }
      if (pipeline.schedule && this.options.schedule !== false) {
        const timeZone = pipeline.schedule.timeZone ?? pipeline.timeZone ?? 'UTC';
        const cron = CronJob.from({
          cronTime: pipeline.schedule.cron,
          timeZone,
          start: true,
          onTick: () => void this.tick(pipeline),
        });
        this.registry.addCronJob(pipeline.name, cron);
        logger.info(
          { pipeline: pipeline.name, cron: pipeline.schedule.cron, timeZone },
          'schedule registered',
        );
      }
    }
  }

  async tick(pipeline: PipelineDefinition): Promise<void> {
    const partition = latestCompletePartition(new Date(), pipeline.partitioning, pipeline.timeZone);
    try {
      const queued = await this.options.queue.enqueue(pipeline, partition, 'schedule');
      this.options.logger.info({ pipeline: pipeline.name, partition, queued }, 'schedule tick');
    } catch (error) {
      this.options.logger.error({ err: error, pipeline: pipeline.name, partition }, 'schedule tick failed');
    }
  }

  /**
   * Puts a partition whose run was stopped through no fault of its own back in the queue: for the
   * next replica (or this one's successor) after a shutdown; after a lost hold, to run once the
   * attempt that took over (if any) has ended.
   */
  private async requeue(
    pipeline: PipelineDefinition,
    partition: string,
    trigger: Trigger,
    why: string,
  ): Promise<void> {
    const { queue, logger } = this.options;
    try {
      const queued = await queue.enqueue(pipeline, partition, trigger);
      logger.warn({ pipeline: pipeline.name, partition, queued }, `${why}; queued again`);
    } catch (error) {
      logger.error(
        { err: error, pipeline: pipeline.name, partition },
        'could not queue an interrupted run again',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const name of this.registry.getCronJobs().keys()) this.registry.deleteCronJob(name);
    this.stopping.abort(new Error('the worker shut down'));
    await this.options.queue.stop();
  }
}

@Module({})
export class PipelineWorkerModule {
  static register(options: PipelineWorkerOptions): DynamicModule {
    return {
      module: PipelineWorkerModule,
      imports: [ScheduleModule.forRoot()],
      providers: [{ provide: WORKER_OPTIONS, useValue: options }, PipelineWorkerService],
    };
  }
}

/** A running worker replica: its queue (to enqueue more) and how to stop it. */
export interface RunningWorker {
  queue: PipelineQueue;
  close(): Promise<void>;
}

/**
 * Starts a worker replica for these pipelines: the pg-boss queue on the ops database, the queue's
 * consumers and the schedules, in a Nest application context logging through `logger`.
 */
export async function startPipelineWorker(options: {
  opsUrl: string;
  pipelines: PipelineDefinition[];
  ledger: RunLedger;
  executor: PartitionExecutor;
  logger: Logger;
}): Promise<RunningWorker> {
  const queue = await PipelineQueue.start(options.opsUrl, options.ledger, options.logger);
  try {
    const app = await NestFactory.createApplicationContext(
      PipelineWorkerModule.register({
        pipelines: options.pipelines,
        queue,
        executor: options.executor,
        logger: options.logger,
      }),
      { logger: new PinoNestLogger(options.logger) },
    );
    await app.init();
    return { queue, close: () => app.close() };
  } catch (error) {
    await queue.stop();
    throw error;
  }
}
