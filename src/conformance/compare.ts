// Output comparison, after upstream's run_tests.sh (gene-core §10): expected = the `# Expected:`
// texts, actual = the merged stdout+stderr; blank lines dropped on both sides; then compared
// whitespace-insensitively. We trim each line and collapse runs of whitespace to one space
// (`diff -B -b` plus leading-space tolerance); unlike `diff -w` this still tells `[1 2]` from `[12]`.

/** Upstream drops its static checker's warnings before comparing; gene-ref never prints them. */
const UPSTREAM_WARNING = /^Warning:.*Type error:/;

export function normalizeLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

export function normalizeExpected(lines: readonly string[]): string[] {
  return lines.map(normalizeLine).filter((l) => l !== '');
}

export function outputLines(output: string): string[] {
  return output.split(/\r?\n/);
}

export function normalizeActual(lines: readonly string[]): string[] {
  return lines
    .filter((l) => !UPSTREAM_WARNING.test(l))
    .map(normalizeLine)
    .filter((l) => l !== '');
}

export function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

type Edit = { op: ' ' | '-' | '+'; text: string };

/** Beyond this many cells the LCS table costs too much; fall back to a prefix/suffix diff. */
const MAX_LCS_CELLS = 4_000_000;

function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  // Common prefix and suffix first: cheap, and usually most of the output.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Edit[] = a.slice(0, start).map((text) => ({ op: ' ', text }));
  const tail: Edit[] = a.slice(endA).map((text) => ({ op: ' ', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  const middle: Edit[] = [];
  if ((n + 1) * (m + 1) > MAX_LCS_CELLS) {
    for (const text of midA) middle.push({ op: '-', text });
    for (const text of midB) middle.push({ op: '+', text });
  } else {
    // lcs[i][j] = length of the LCS of midA[i..] and midB[j..]
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          midA[i] === midB[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        middle.push({ op: ' ', text: midA[i]! });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        // Deletions before insertions, as unified diffs show them.
        middle.push({ op: '-', text: midA[i]! });
        i++;
      } else {
        middle.push({ op: '+', text: midB[j]! });
        j++;
      }
    }
  }
  return [...head, ...middle, ...tail];
}

export interface DiffOptions {
  /** Unchanged lines shown around each change. */
  context?: number;
  /** Cap on the lines returned; the rest is summarised in one line. */
  maxLines?: number;
}

/**
 * A unified-ish diff of normalised lines: `-expected`, `+actual`, ` context`, and `@@` where
 * unchanged lines were left out. Empty when the two are equal.
 */
export function diffLines(expected: readonly string[], actual: readonly string[], options: DiffOptions = {}): string[] {
  const context = options.context ?? 2;
  const maxLines = options.maxLines ?? Infinity;
  const edits = editScript(expected, actual);
  if (edits.every((e) => e.op === ' ')) return [];
  const keep = edits.map(() => false);
  edits.forEach((e, i) => {
    if (e.op === ' ') return;
    for (let k = Math.max(0, i - context); k <= Math.min(edits.length - 1, i + context); k++) keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  edits.forEach((e, i) => {
    if (!keep[i]) {
      skipped = true;
      return;
    }
    if (skipped || (out.length === 0 && i > 0)) out.push('@@');
    skipped = false;
    out.push(`${e.op}${e.text}`);
  });
  if (skipped) out.push('@@');
  if (out.length > maxLines) {
    const rest = out.length - maxLines;
    return [...out.slice(0, maxLines), `… (${rest} more diff line${rest === 1 ? '' : 's'})`];
  }
  return out;
}
