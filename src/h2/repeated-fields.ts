// node:http2 keeps only the first line of the fields it takes as single-valued, If-Match, If-None-Match,
// If-Range and Range among them. node:http (the other listeners' parser) and this server's HTTP/3 head
// join repeated lines with ", " (RFC 9110 §5.3), so a second If-None-Match line was honoured on HTTP/1.1
// and HTTP/3 and dropped on HTTP/2: a 200 where the others answer 304. The lines are joined again from
// the raw list. A repeated Range or If-Range so becomes a value that does not parse or match, and the
// full representation is sent (§14.2 lets a server ignore Range), as on the other listeners.
import type { IncomingHttpHeaders } from 'node:http2';

const lists = new Set(['if-match', 'if-none-match', 'if-range', 'range']);

export function joinRepeatedFields(headers: IncomingHttpHeaders, rawHeaders: readonly string[]): void {
  let joined: Record<string, string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // Cheap screen first: this runs for every request, and these names start with 'i' or 'r'.
    const c = name.charCodeAt(0);
    if ((c !== 0x69 && c !== 0x72) || !lists.has(name)) continue;
    joined ??= {};
    const value = rawHeaders[i + 1]!;
    const before = joined[name];
    joined[name] = before === undefined ? value : `${before}, ${value}`;
  }
  if (joined !== undefined) for (const name in joined) headers[name] = joined[name];
}
