// Type annotations as data (spec/language/types.md): what the compiler makes of `x: Int`,
// `-> (Array Int)`, `(Int | String)` and `(type Name T)`, and the VM checks. Plain data, so a
// unit that holds one still crosses threads as it is.

/** A type as written. Names are resolved when checked: builtin types, classes, `Any`, `Numeric`. */
export type TypeExpr =
  | { readonly k: 'any' }
  | { readonly k: 'name'; readonly name: string }
  | { readonly k: 'union'; readonly of: readonly TypeExpr[] }
  /** `(Array Int)`, `(Map K V)`, `(Fn [A] R)`: only the head's kind is checked (as upstream). */
  | { readonly k: 'app'; readonly head: string; readonly args: readonly TypeExpr[] };

/**
 * A failed `^pre`/`^post` condition (spec/language/contracts.md): what the ContractFail
 * instruction needs to name it — the function, which condition, its text, the parameters.
 */
export interface ContractCheck {
  readonly kind: 'contract';
  /** `positive_only precondition #1 failed: (x > 0)` */
  readonly head: string;
  readonly params: readonly { readonly name: string; readonly slot: number }[];
  /** A postcondition: the message adds `| result=…` (the value on the stack). */
  readonly post: boolean;
}

/** One check the VM makes: a parameter, a return value or a variable against a type. */
export interface TypeCheck {
  readonly kind: 'type';
  readonly type: TypeExpr;
  /** The type as written, for messages: `Int`, `(Array Int)`, `(Int | String)`. */
  readonly text: string;
  /** What is checked, for messages: `parameter x of add`, `return value of add`, `variable x`. */
  readonly what: string;
  /** The name a lossy Float -> Int conversion warning gives (`n`, `value`). */
  readonly name: string;
}
