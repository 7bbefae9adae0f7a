// X-Request-Id: kept when valid, replaced when invalid, generated when absent; always in the response,
// on every protocol, and forwarded to the origin. (The access-log tests check it is the line's req_id.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/start-server.js';
import { startOrigin, type Origin } from '../proxy/support.js';
import { edgeFor } from './origin.js';
import { closeAll, protocolClients, send } from './support.js';

const generated = /^[A-Za-z0-9_-]{12}-[0-9a-z]+$/;

describe('request ids', () => {
  let origin: Origin;
  let s: TestServer;
  const seenByOrigin: string[] = [];
  const clients = protocolClients();
  before(async () => {
    origin = await startOrigin((req, res) => {
      seenByOrigin.push(String(req.headers['x-request-id']));
      res.end('ok');
    });
    s = await edgeFor(origin);
  });
  after(async () => {
    await closeAll(clients);
    await s.close();
    await origin.close();
  });

  for (const c of clients) {
    it(`${c.protocol}: a valid X-Request-Id is kept, returned and forwarded`, async () => {
      for (const id of ['abc', 'a.b_c:d-1', 'x'.repeat(128), 'A1b2C3d4-E5F6']) {
        const r = await send(c, s, '/anything', { headers: { 'x-request-id': id } });
        assert.equal(r.status, 200);
        assert.equal(r.headers['x-request-id'], id);
        assert.equal(seenByOrigin.at(-1), id);
      }
    });

    it(`${c.protocol}: an invalid X-Request-Id is replaced by a generated one`, async () => {
      for (const id of ['x'.repeat(129), 'has space', 'slash/y', 'quote"d', 'ünï', 'semi;colon']) {
        const r = await send(c, s, '/healthz', { headers: { 'x-request-id': id } });
        const got = r.headers['x-request-id'] as string;
        assert.notEqual(got, id);
        assert.match(got, generated, id);
      }
    });

    it(`${c.protocol}: without X-Request-Id each response carries a new generated id`, async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const r = await send(c, s, '/healthz');
        assert.match(r.headers['x-request-id'] as string, generated);
        ids.add(r.headers['x-request-id'] as string);
      }
      const proxied = await send(c, s, '/anything');
      assert.equal(seenByOrigin.at(-1), proxied.headers['x-request-id']);
      ids.add(proxied.headers['x-request-id'] as string);
      assert.equal(ids.size, 6);
    });
  }
});
