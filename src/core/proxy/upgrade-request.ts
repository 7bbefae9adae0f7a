// One origin request that asks to switch protocols (RFC 9110 §7.8), through undici's dispatch with its
// `upgrade` option: undici writes `Connection: upgrade` and `Upgrade: <protocol>` itself (it refuses both
// fields in `headers`) and, on a 101, hands over the origin socket past the response head, with any bytes
// read behind the head put back into it. Not through Dispatcher.upgrade(): it turns any other status
// into a "bad upgrade" error and drops the response, and the client must get an origin's refusal (a 403
// for a foreign Origin, a 426, RFC 6455 §4.2.2) as the origin sent it.
import { Readable, type Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';

type Headers = Record<string, string | string[] | undefined>;

/** The origin switched: its 101 header section and the connection, now carrying the new protocol. */
export interface Switched {
  readonly switched: true;
  readonly headers: Headers;
  readonly socket: Duplex;
}

/** The origin answered the request without switching: a response like any other. */
export interface NotSwitched {
  readonly switched: false;
  readonly statusCode: number;
  readonly headers: Headers;
  readonly body: OriginBody;
}

/**
 * The body of a response that did not switch, read with backpressure (the dispatch is paused while the
 * reader is behind). `dump()` is undici's BodyReadable's name for "discard": the connection asked for a
 * protocol switch, so it is not reused and discarding is closing it.
 */
export class OriginBody extends Readable {
  dump(): Promise<void> {
    this.destroy();
    return Promise.resolve();
  }
}

/** Rejects with undici's error (connect failure, headers timeout…) or the signal's reason, like Dispatcher.request. */
export function requestUpgrade(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions & { upgrade: string },
  signal: AbortSignal,
): Promise<Switched | NotSwitched> {
  return new Promise((resolve, reject) => {
    let body: OriginBody | undefined;
    let settled = false;
    const settle = (): boolean => !settled && (settled = true);
    // Until the request is over: a tunnel's origin socket is closed by whoever relays it, not by the signal.
    let onAbort: (() => void) | undefined;
    const over = (): void => signal.removeEventListener('abort', onAbort!);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        if (signal.aborted) return controller.abort(signal.reason);
        onAbort = () => controller.abort(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      },
      onRequestUpgrade(_controller, _status, headers, socket) {
        over();
        if (settle()) resolve({ switched: true, headers, socket });
        else socket.destroy();
      },
      onResponseStart(controller, statusCode, headers) {
        let ended = false;
        body = new OriginBody({
          read: () => controller.resume(),
          destroy(err, done) {
            if (!ended) controller.abort(err ?? new Error('origin response body discarded'));
            done(err);
          },
        });
        body.once('end', () => (ended = true));
        if (settle()) resolve({ switched: false, statusCode, headers, body });
      },
      onResponseData(controller, chunk) {
        if (body !== undefined && !body.push(chunk)) controller.pause();
      },
      onResponseEnd() {
        over();
        body?.push(null);
      },
      onResponseError(_controller, err) {
        over();
        if (settle()) reject(err);
        else body?.destroy(err);
      },
    };
    dispatcher.dispatch(opts, handler);
  });
}
