// Static files from RWS_CONFIG_ROOT: GET and HEAD, validators and conditional requests, ranges, content
// coding (precompressed siblings and on-the-fly brotli/gzip), directory indexes, clean URLs and the
// root's 404.html. See request-path.ts for what may be asked, file-lookup.ts for how a path maps to a
// file, file-response.ts for how the answer is built.
//
// Decisions, in short:
// - ETag: strong, "<size hex>-<mtime µs hex>" (nginx-like, no content read); precompressed siblings get
//   their own stat-based tag with a -br/-gz suffix, on-the-fly variants a weak W/"…-br" / W/"…-gzip".
// - /dir (a directory with index.html) → 301 to /dir/ with the query kept (nginx); /dir/ without an
//   index → 404 (no listings); /page → page.html when no page file or indexed directory exists.
// - Dotfiles are hidden (404, or the proxy when one is configured) except under /.well-known/ (RFC 8615);
//   `..`, encoded slashes/backslashes/NUL and invalid encodings name no file (request-path.ts): 400, or
//   the proxy when one is configured (which refuses dot-segments itself, proxy/target-path.ts).
// - Metadata (and the bytes of files ≤ 16 KiB) is memoised for 1 s: changes on disk show within 1 s.
//   A larger file is opened before it is answered and its fstat compared with the memo: replaced or
//   rewritten meanwhile, it is answered from what was opened (file-response.ts), never with the old
//   version's Content-Length, Content-Range or ETag; gone meanwhile, it is looked up again.
// - On the fly: text-like types (compressible/mime-db) of 1 KiB to 8 MiB, never for Range requests;
//   RWS_CONFIG_COMPRESSION=off stops it, precompressed siblings are still served.
// - Range on a precompressed sibling: one range is a 206 of the sibling's bytes; several get the whole
//   sibling (200), since a multipart/byteranges body cannot be labelled br or gzip.
import { realpathSync } from 'node:fs';
import type { Config } from '../config/options.js';
import type { CoreRequest, CoreResponse, ResponseHeaders } from '../contract.js';
import type { StaticHandler } from '../handlers.js';
import type { Route } from '../observability/labels.js';
import { textResponse } from '../responses.js';
import { FileLookup } from './file-lookup.js';
import { type FileResponseOptions, fileResponse } from './file-response.js';
import { notFoundResponse } from './not-found.js';
import { parseRequestPath } from './request-path.js';

// Metadata memo: a changed, added or removed file is seen at most this late (see ttl-cache.ts).
const METADATA_TTL_MS = 1000;
// With files ≤ 16 KiB held in memory, 2048 entries bound that copy to 32 MiB (×3 with both siblings).
const METADATA_MAX_ENTRIES = 2048;
const COMPRESS_MIN_BYTES = 1024;
const COMPRESS_MAX_BYTES = 8 * 1024 * 1024;

export function createStaticHandler(config: Config): StaticHandler {
  // Resolved once: every file's realpath is compared against it (symlink escapes).
  const files = new FileLookup({ root: realpathSync(config.root), ttlMs: METADATA_TTL_MS, maxEntries: METADATA_MAX_ENTRIES });
  const options: FileResponseOptions = {
    forget: (file) => files.forget(file),
    cacheControl: config.cacheControl,
    compress: config.compression,
    minSize: COMPRESS_MIN_BYTES,
    maxSize: COMPRESS_MAX_BYTES,
  };
  const corsOn = config.corsAllowOrigins !== undefined;
  const allow = corsOn ? 'GET, HEAD, OPTIONS' : 'GET, HEAD';
  // A target that cannot name a file may still name an origin resource: %2F in a segment is data, not a
  // delimiter (RFC 3986 §2.2), and APIs use it. So with an origin such a target is left to the proxy,
  // which forwards it as sent; no file is looked up for it either way.
  const unmappable = config.upstream === undefined ? () => textResponse(400, 'bad request', 'bad_request') : () => null;

  return {
    async serve(req: CoreRequest): Promise<CoreResponse | null> {
      const target = parseRequestPath(req.path);
      if (target.kind === 'bad') return unmappable();
      if (target.kind === 'none') return null;
      // Twice at most: a file gone between its memoised lookup and its opening is looked up again
      // (fileResponse dropped the memo entry); gone again just after being found, it is being replaced
      // right now.
      for (let attempt = 1; ; attempt++) {
        const found = await files.lookup(target.rel, target.dir);
        if (found.kind === 'none') return null;
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          // With CORS on, OPTIONS is served (preflights by the CORS policy before this point, any other
          // OPTIONS here, RFC 9110 §9.3.7), so Allow must list it and OPTIONS must not be refused.
          if (req.method === 'OPTIONS' && corsOn) return emptyResponse(204, { allow }, 'static');
          return textResponse(405, 'method not allowed', 'static', { allow });
        }
        if (found.kind === 'redirect') {
          // As nginx: a directory asked for without its slash moves there, so relative links in its
          // index resolve against the directory. The Location is built from the validated path only.
          return emptyResponse(301, { location: target.raw + '/' + target.query, 'content-length': 0 }, 'redirect');
        }
        const res = fileResponse(req, found.file, options);
        const answered = res instanceof Promise ? await res : res;
        if (answered !== undefined) return answered;
        if (attempt === 2) return textResponse(503, 'file being replaced, try again', 'static', { 'retry-after': '1' });
      }
    },
    notFound: (req) => notFoundResponse(req, files),
  };
}

function emptyResponse(status: number, headers: ResponseHeaders, route: Route): CoreResponse {
  return { status, headers, body: { kind: 'empty' }, route };
}
