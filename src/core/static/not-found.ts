// The 404 answer: the root's 404.html when there is one (status still 404), else a short text.
import type { CoreRequest, CoreResponse, ResponseBody } from '../contract.js';
import { textResponse, withoutBody } from '../responses.js';
import type { FileLookup } from './file-lookup.js';
import { openStored } from './open-file.js';
import { describes } from './representation.js';

export async function notFoundResponse(req: CoreRequest, files: FileLookup): Promise<CoreResponse> {
  const page = await files.lookup('404.html', false);
  if (page.kind !== 'file') {
    const res = textResponse(404, 'not found', 'not_found');
    return req.method === 'HEAD' ? withoutBody(res) : res;
  }
  const { file } = page;
  // no-store: a missing page may appear at any time; caches must not keep the miss.
  const headers = { 'content-type': file.contentType, 'content-length': file.size, 'cache-control': 'no-store' };
  let body: ResponseBody;
  if (req.method === 'HEAD') body = { kind: 'empty' };
  else if (file.data !== undefined) body = { kind: 'bytes', data: file.data };
  else {
    // Read from disk: its length is the opened file's, whatever the memo says (file-response.ts).
    const opened = await openStored(file);
    if (opened === undefined || !describes(file, opened.stats)) files.forget(file);
    if (opened === undefined) return textResponse(404, 'not found', 'not_found');
    headers['content-length'] = opened.stats.size;
    body = { kind: 'file', handle: opened.handle, start: 0, end: opened.stats.size };
  }
  return { status: 404, headers, body, route: 'not_found' };
}
