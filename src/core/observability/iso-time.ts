// The current time as an ISO 8601 string, formatted at most once per millisecond: at tens of thousands
// of requests per second most log lines share their millisecond, and Date#toISOString is one of the
// costlier steps of a log line.
let lastMs = 0;
let lastIso = new Date(0).toISOString();

export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
