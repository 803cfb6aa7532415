// The limits record every layer receives (WebAssembly reference interpreter style: limits are
// parameters, not accidents). Defaults are declared here once.

export interface Limits {
  /** Deepest Gene call stack before StackOverflow. */
  readonly maxCallDepth: number;
  /** Worker slots (THR-POOL.1): 64 unless lowered with --max-threads. */
  readonly maxThreads: number;
  /** Undelivered messages a mailbox holds (THR-CHAN.1). */
  readonly channelCapacity: number;
  /** Heap limit of each worker in MiB, or 0 for Node's default. */
  readonly threadMemoryMb: number;
  /** Safepoints between two real mailbox checks (THR-CHAN.2). */
  readonly safepointInterval: number;
  /** Value-stack slots a VM allocates up front (the stack grows past it when needed). */
  readonly initialStackSlots: number;
  /** Workers started ahead of time when a program can spawn (never more than maxThreads). */
  readonly warmWorkers: number;
  /** V8 young-generation size of each Worker in MiB: small, since most threads are short. */
  readonly workerYoungGenerationMb: number;
  /** Messages taken from one port before the others get a turn (fairness between senders). */
  readonly mailDrainBatch: number;
}

/** The most worker slots a program may have (THR-POOL.1); --max-threads may only lower it. */
export const MAX_THREADS_CEILING = 64;

export const DEFAULT_LIMITS: Limits = {
  maxCallDepth: 10_000,
  maxThreads: MAX_THREADS_CEILING,
  channelCapacity: 1000,
  threadMemoryMb: 0,
  safepointInterval: 32,
  initialStackSlots: 4096,
  warmWorkers: 2,
  workerYoungGenerationMb: 4,
  mailDrainBatch: 256,
};
