// Frames, handlers and what a VM run can end in. Gene calls never recurse in JavaScript: the
// frame stack is explicit so that a VM can suspend (await, join, recv, sleep) and resume later.
import type { CodeUnit, Constant } from '../values/values.js';
import type { GFunction, Loc, Namespace, UnitCaches, Value, Wait } from '../values/values.js';

export type { Wait };

/** What happens to a frame's result when it returns. */
export const enum FrameMode {
  /** Push the result where the caller expects it. */
  Normal,
  /** A callback run at a safepoint: drop the result and continue the code below. */
  Discard,
  /** Push `after` instead of the result (a native that called Gene code, e.g. `.on_success`). */
  Replace,
  /** The bottom of a run started by the host: return control to the host. */
  Boundary,
}

export class Frame {
  fn!: GFunction;
  unit!: CodeUnit;
  code!: Int32Array;
  consts!: Constant[];
  globals!: Namespace;
  /** The unit's inline caches (beside the unit, which stays plain data). */
  caches!: UnitCaches;
  pc = 0;
  /** Stack index of local slot 0. */
  base = 0;
  /** Stack index where the result goes. */
  retBase = 0;
  mode: FrameMode = FrameMode.Normal;
  after: Value = null;
  /** Handler-stack height when this frame was entered (handlers above belong to it or callees). */
  handlerBase = 0;
}

/** An installed `try` handler. */
export interface Handler {
  readonly frameDepth: number;
  readonly pc: number;
  readonly sp: number;
  readonly exDepth: number;
}

/** An exception being handled: `$ex` and where it was first thrown (kept by Rethrow). */
export interface ActiveException {
  readonly value: Value;
  readonly loc?: Loc;
}

export type RunResult =
  | { readonly kind: 'done'; readonly value: Value }
  | { readonly kind: 'suspended'; readonly wait: Wait }
  | { readonly kind: 'error'; readonly value: Value; readonly loc?: Loc; readonly trace: string };
