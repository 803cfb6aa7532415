// The controlled scheduler of the interleaving tests (protocol-interleavings, deadlock-interleavings):
// simulated threads are generators that yield after every step, and a schedule says who moves next.

/** A simulated thread: a generator that yields (what it just did) after every atomic step. */
export type Actor = Generator<string, void, void>;

/**
 * Run simulated threads under a schedule: a list of (pick, burst) pairs, each letting thread
 * `pick` (modulo the threads still running) make up to `burst` steps. Past the end of the list,
 * the threads take turns one step at a time. fast-check generates the schedule as data, so a
 * failing interleaving shrinks to a short list of picks. Returns the trace of steps.
 */
export function interleave(actors: Record<string, Actor>, schedule: [number, number][], stopped = new Set<string>()): string[] {
  const live = Object.entries(actors);
  const trace: string[] = [];
  for (let k = 0; live.length > 0; k++) {
    const [pick, burst] = k < schedule.length ? schedule[k]! : [k, 1];
    const i = pick % live.length;
    const [name, g] = live[i]!;
    for (let b = 0; b < burst; b++) {
      if (stopped.has(name)) {
        // Its Worker was terminated: it makes no further step.
        live.splice(i, 1);
        trace.push(`${name}: stopped`);
        break;
      }
      const r = g.next();
      if (r.done) {
        live.splice(i, 1);
        break;
      }
      trace.push(`${name}: ${r.value}`);
    }
  }
  return trace;
}
