// The current time as an ISO 8601 string, as Date#toISOString writes it. Formatted in two parts: the
// date and time up to the second once per second, the milliseconds appended per call. V8's
// toISOString goes through a printf-style formatter (~5000 instructions a call, counted with
// callgrind); at a few requests per millisecond that was one of the costlier steps of a log line.
let second = Number.NaN;
/** "2026-11-27T07:35:30." for `second`. */
let prefix = '';
let lastMs = Number.NaN;
let lastIso = '';

/** `now` (ms since the epoch) as toISOString writes it; the clock's now by default. */
export function isoNow(now: number = Date.now()): string {
  if (now === lastMs) return lastIso;
  const ms = now % 1000;
  const start = now - ms;
  if (start !== second) {
    second = start;
    const iso = new Date(start).toISOString();
    prefix = iso.slice(0, iso.length - 4); // drop "000Z"
  }
  lastMs = now;
  return (lastIso = prefix + (ms < 10 ? '00' : ms < 100 ? '0' : '') + ms + 'Z');
}
