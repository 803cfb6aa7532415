// The conformance CLI run in-process with its output captured (shared by the runner, lint and
// tools tests).
import { runConformanceCli } from '../src/conformance/cli.js';

export async function cli(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runConformanceCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
  });
  return { status, stdout, stderr };
}
