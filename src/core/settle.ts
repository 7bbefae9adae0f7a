// Calls `ok` with a value that may or may not be a Promise yet: synchronously when it is a plain value,
// once it resolves otherwise. Lets a listener treat Core.handle's two kinds of answer alike without
// paying a Promise and a microtask for the ones that are known at once.
//
// A throw from `ok` (the listener writing the response: node refuses some header sets and statuses it
// is handed) goes to `fail` too. Unguarded it would escape an event handler or reject a promise nobody
// holds, which node makes an uncaught exception: one bad response would take the process down.
export function whenSettled<T>(value: T | Promise<T>, ok: (v: T) => void, fail: (e: unknown) => void): void {
  if (value instanceof Promise) value.then((v) => settle(v, ok, fail), fail);
  else settle(value, ok, fail);
}

function settle<T>(v: T, ok: (v: T) => void, fail: (e: unknown) => void): void {
  try {
    ok(v);
  } catch (e) {
    fail(e);
  }
}
