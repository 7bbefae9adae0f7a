// Calls `ok` with a value that may or may not be a Promise yet: synchronously when it is a plain value,
// once it resolves otherwise. Lets a listener treat Core.handle's two kinds of answer alike without
// paying a Promise and a microtask for the ones that are known at once.
export function whenSettled<T>(value: T | Promise<T>, ok: (v: T) => void, fail: (e: unknown) => void): void {
  if (value instanceof Promise) value.then(ok, fail);
  else ok(value);
}
