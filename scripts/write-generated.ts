// The generators' common last step: write a generated source file only when its text changed, so
// an unchanged build does not touch it (tsc's incremental build and editors keep their state).
import { readFileSync, writeFileSync } from 'node:fs';

/** Write `text` to `file` unless it already holds exactly that; returns whether it wrote. */
export function writeGenerated(file: string, text: string): boolean {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // first build
  }
  if (old === text) return false;
  writeFileSync(file, text);
  return true;
}
