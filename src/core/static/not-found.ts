// The 404 answer: the root's 404.html when there is one (status still 404), else a short text.
import type { CoreRequest, CoreResponse } from '../contract.js';
import { textResponse, withoutBody } from '../responses.js';
import type { FileLookup } from './file-lookup.js';

export async function notFoundResponse(req: CoreRequest, files: FileLookup): Promise<CoreResponse> {
  const page = await files.lookup('404.html', false);
  let res: CoreResponse;
  if (page.kind === 'file') {
    const { file } = page;
    res = {
      status: 404,
      // no-store: a missing page may appear at any time; caches must not keep the miss.
      headers: { 'content-type': file.contentType, 'content-length': file.size, 'cache-control': 'no-store' },
      body: file.data !== undefined ? { kind: 'bytes', data: file.data } : { kind: 'file', path: file.path, start: 0, end: file.size },
      route: 'not_found',
    };
  } else {
    res = textResponse(404, 'not found', 'not_found');
  }
  return req.method === 'HEAD' ? withoutBody(res) : res;
}
