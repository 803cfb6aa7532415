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
}

export const DEFAULT_LIMITS: Limits = {
  maxCallDepth: 10_000,
  maxThreads: 64,
  channelCapacity: 1000,
  threadMemoryMb: 0,
  safepointInterval: 32,
};
