// Turns the request target into the decoded path segments of a file under the root, or says why it
// cannot name one. Hand-written: no package does exactly this check, and it is the one place where
// traversal is stopped, so it is kept small enough to read in one go.
//
// Rules (a superset of what nginx and rws refuse):
// - origin-form (`/a/b?q`) and absolute-form (`http://host/a/b`, RFC 9112 §3.2.2) are accepted; any other
//   form (`*`, authority-form) names no file;
// - the query is dropped; empty segments (`//`) are merged, as nginx's merge_slashes does;
// - each segment is percent-decoded exactly once (`%252e` stays the literal `%2e`);
// - → 'bad' (400, or the proxy when one is configured): a backslash anywhere, invalid percent-encoding
//   or UTF-8, a decoded `/`, `\`, NUL or other control character, and `.` or `..` segments (raw or
//   encoded): a client never needs them, since RFC 3986 §5.2.4 dot-segment removal happens before a
//   request is sent;
// - → 'hidden' (no file): any other segment starting with `.` (dotfiles, `.git`, `.env`), except a first
//   segment `.well-known` (RFC 8615: ACME challenges, security.txt live there).

export type RequestPath =
  | {
      readonly kind: 'ok';
      /** Decoded path relative to the root, segments joined with '/'; '' for the root itself. */
      readonly rel: string;
      /** The raw path had a trailing slash (asks for a directory). */
      readonly dir: boolean;
      /** The raw path with slashes merged, no query: what a redirect's Location is built from. */
      readonly raw: string;
      /** '?…' or ''. */
      readonly query: string;
    }
  | { readonly kind: 'bad' }
  | { readonly kind: 'none' };

const BAD: RequestPath = { kind: 'bad' };
const NONE: RequestPath = { kind: 'none' };
const absoluteForm = /^https?:\/\/[^/?#]*/i;
// Controls, DEL, and the separators that a decoded segment must not smuggle in.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const forbiddenDecoded = /[\x00-\x1f\x7f/\\]/;

// Parsing is pure and a site's requests repeat a limited set of targets, so results are kept by target:
// ~4k instructions a parse (split, decode, join), a few hundred a hit (callgrind). Bounded: targets of
// at most MEMO_MAX_LENGTH characters, MEMO_MAX_ENTRIES of them; when full the memo starts over, so a
// flood of distinct targets costs one parse each, as without it. Results are never mutated (readonly).
const MEMO_MAX_ENTRIES = 1024;
const MEMO_MAX_LENGTH = 256;
const memo = new Map<string, RequestPath>();

export function parseRequestPath(target: string): RequestPath {
  // A target too long to be kept is never looked up either: the lookup would hash all of it for nothing.
  if (target.length > MEMO_MAX_LENGTH) return parse(target);
  const known = memo.get(target);
  if (known !== undefined) return known;
  const parsed = parse(target);
  if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
  memo.set(target, parsed);
  return parsed;
}

function parse(target: string): RequestPath {
  if (target.charCodeAt(0) !== 47 /* / */) {
    const m = absoluteForm.exec(target);
    if (m === null) return NONE;
    target = target.length === m[0].length ? '/' : target.slice(m[0].length);
    if (target.charCodeAt(0) !== 47) return BAD; // "http://host?x" has no path to serve
  }
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q);
  if (path.includes('\\')) return BAD;
  const parts = path.split('/');
  const decoded: string[] = [];
  let raw = '';
  let hidden = false;
  for (const part of parts) {
    if (part === '') continue;
    const seg = decodeSegment(part);
    if (seg === undefined || seg === '.' || seg === '..') return BAD;
    if (seg.charCodeAt(0) === 46 /* . */ && !(decoded.length === 0 && seg === '.well-known')) hidden = true;
    decoded.push(seg);
    raw += '/' + part;
  }
  // Hidden is decided after the loop so a later `..` still answers 400, whatever came before it.
  if (hidden) return NONE;
  const dir = path.length > 1 && path.charCodeAt(path.length - 1) === 47;
  return { kind: 'ok', rel: decoded.join('/'), dir, raw: raw === '' ? '/' : raw, query };
}

/** One segment, percent-decoded once; undefined when the encoding is invalid or yields a forbidden character. */
function decodeSegment(part: string): string | undefined {
  let seg = part;
  if (part.includes('%')) {
    try {
      seg = decodeURIComponent(part);
    } catch {
      return undefined; // malformed %XX, or bytes that are not UTF-8 (overlong `%c0%ae` included)
    }
  }
  return forbiddenDecoded.test(seg) ? undefined : seg;
}
