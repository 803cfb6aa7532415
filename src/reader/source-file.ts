// Reading a program file for `gene run` / `gene compile` (LANG-ERR.2) and an imported module: a missing file, a directory
// or text that is not valid UTF-8 is one clear error line naming the path (and the place of the
// first bad byte), never a JavaScript stack trace or silently replaced characters.
import { readFileSync, statSync } from 'node:fs';

import type { Loc } from '../values/values.js';

/** A failure's `error` is one line; `invalidText` (bad UTF-8) makes it a ParseError at `loc`, not a file error. */
export type SourceFile = { ok: true; text: string } | { ok: false; error: string; invalidText?: { detail: string; loc: Loc } };

export function readSourceFile(file: string): SourceFile {
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    return { ok: false, error: `File not found: ${file}` };
  }
  if (isDir) return { ok: false, error: `${file} is a directory; gene run expects a .gene file` };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { ok: false, error: `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const { line, col } = position(bytes, at);
    const hex = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
    const detail = `invalid UTF-8 (byte 0x${hex} at offset ${at}); source files must be UTF-8`;
    return { ok: false, invalidText: { detail, loc: { file, line, col } }, error: `ParseError at ${file}:${line}:${col}: ${detail}` };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
    }
    // Overlong three/four-byte forms, surrogates and code points past U+10FFFF.
    const d1 = b[i + 1] ?? 0;
    if ((c === 0xe0 && d1 < 0xa0) || (c === 0xed && d1 > 0x9f) || (c === 0xf0 && d1 < 0x90) || (c === 0xf4 && d1 > 0x8f)) return i;
    i += n + 1;
  }
  return b.length;
}

/** 1-based line and column (in characters) of byte offset `at` in valid text before it. */
function position(b: Uint8Array, at: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < at; i++) {
    if (b[i] === 0x0a) {
      line++;
      col = 1;
    } else if ((b[i]! & 0xc0) !== 0x80) col++;
  }
  return { line, col };
}

/** An imported module's file exists but cannot be read (LANG-MOD.1): an ImportError where it is imported. */
export class ModuleFileError extends Error {}
