// GENE_TRACE=topic[,topic…]: `vm` (each instruction), `threads` (spawns, slots, messages),
// `internal` (the JavaScript stack of an InternalError). Read once per thread.
let topics: ReadonlySet<string> | null = null;

export function traceTopics(): ReadonlySet<string> {
  topics ??= new Set((process.env.GENE_TRACE ?? '').split(',').map((t) => t.trim()).filter((t) => t !== ''));
  return topics;
}
