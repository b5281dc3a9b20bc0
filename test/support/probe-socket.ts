import { createConnection, type NetConnectOpts } from 'node:net';

/** One request/reply exchange of {@link probeSocket}. */
export interface SocketProbe {
  /** Where to connect: `{ path }` for a unix socket, `{ host, port }` for TCP. */
  readonly connect: NetConnectOpts;
  /** What to send once connected. */
  readonly request: string;
  /** The reply's end marker: the reply is judged once it contains this. */
  readonly terminator: string;
  /** Whether the complete reply is the expected one. */
  readonly accept: (reply: string) => boolean;
  /** Gives up (answers `false`) after this many milliseconds of silence. */
  readonly timeoutMs: number;
}

/**
 * Sends one probe (a PING, say) to a server the tests started and resolves whether it answered
 * as expected; `false` on refusal, early close or timeout. The socket is always destroyed.
 *
 * @example
 * await probeSocket({ connect: { host: '127.0.0.1', port }, request: 'PING\r\n',
 *   terminator: '\r\n', accept: (reply) => reply.startsWith('+PONG'), timeoutMs: 500 });
 */
export function probeSocket(probe: SocketProbe): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(probe.connect);
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(probe.timeoutMs, () => {
      finish(false);
    });
    socket.once('error', () => {
      finish(false);
    });
    socket.once('connect', () => {
      socket.write(probe.request);
    });
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes(probe.terminator)) finish(probe.accept(reply));
    });
    socket.once('close', () => {
      finish(false);
    });
  });
}
