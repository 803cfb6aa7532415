// An internal error is a bug in gene-ref: a JavaScript exception that is not a Gene error. Gene
// code can never catch one and it never becomes a thread's error value: the process prints one
// line naming the thread and ends at once with status 70, whatever is still running. The
// JavaScript stack is printed only under GENE_TRACE=internal.
import { writeSync } from 'node:fs';
import { traceTopics } from '../contract/trace.js';

/** EX_SOFTWARE (sysexits.h): an internal software error. */
export const INTERNAL_ERROR_STATUS = 70;

/** What is printed for an internal error in `thread` (0: the main thread, named as before). */
export function internalErrorText(message: string, stack: string | undefined, thread: number): string {
  const where = thread === 0 ? '' : ` in thread ${thread}`;
  const trace = traceTopics().has('internal') && stack ? `${stack}\n` : '';
  return `Error: InternalError${where}: ${message.split('\n')[0]}\n${trace}`;
}

/** Print the internal error's line (and stack, when traced) and end the process with status 70. */
export function exitOnInternalError(message: string, stack: string | undefined, thread: number): never {
  writeSync(2, internalErrorText(message, stack, thread));
  process.exit(INTERNAL_ERROR_STATUS);
}
