// The runner's own failures. Both end the run with exit status 2 and a one-line message;
// they are never mixed up with a case failing (status 1).

/** Bad command-line usage: an unknown option, a missing value, an unreadable options file. */
export class UsageError extends Error {}

/** The suite itself is broken: a malformed header, an unknown feature tag, a duplicate id. */
export class SuiteError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
  }
}
