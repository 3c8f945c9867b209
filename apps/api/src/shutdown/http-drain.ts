import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

interface SocketState {
  /** Requests begun on this socket and not yet finished or aborted. */
  active: number;
  /** Requests this socket has carried to their end. */
  served: number;
}

/**
 * Ends an HTTP server's connections at the right moment during a shutdown, so a keep-alive client
 * is neither served forever nor reset in the middle of a request.
 *
 * - From `startDraining()` on, every response that has not sent its headers says
 *   `Connection: close`: its socket closes after the answer and the client reconnects elsewhere.
 * - `stopAccepting()` closes the listening socket and ends the sockets that sit idle after having
 *   served a request. Node's own `server.close()` is not used for this: it destroys every socket
 *   without a request *being parsed*, which includes a socket that has just been accepted and
 *   whose first request is still in the kernel's buffer, and a keep-alive socket whose next
 *   request is on its way. Those requests were reset (`ECONNRESET`) though the client had sent
 *   them in time. A socket that has served nothing yet is left to bring its request, which is
 *   answered with `Connection: close`.
 * - `forceClose()` destroys whatever is still open (the deadline, `SHUTDOWN_TIMEOUT_MS`).
 */
export class HttpDrain {
  private readonly sockets = new Map<Socket, SocketState>();
  private readonly openResponses = new Set<ServerResponse>();
  private isDraining = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { active: 0, served: 0 });
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => this.track(request, response));
  }

  /** Open sockets: what a shutdown still waits for. */
  get openConnections(): number {
    return this.sockets.size;
  }

  startDraining(): void {
    this.isDraining = true;
    for (const response of this.openResponses) {
      if (!response.headersSent) response.setHeader('connection', 'close');
    }
  }

  /** Stops accepting; resolves once every connection has ended (by itself or by `forceClose`). */
  stopAccepting(): Promise<void> {
    this.startDraining();
    this.closed ??= new Promise<void>((resolve) => {
      NetServer.prototype.close.call(this.server, () => resolve());
    });
    for (const [socket, state] of this.sockets) {
      if (state.active === 0 && state.served > 0) socket.destroy();
    }
    return this.closed;
  }

  forceClose(): void {
    for (const socket of this.sockets.keys()) socket.destroy();
  }

  private track(request: IncomingMessage, response: ServerResponse): void {
    const socket = request.socket as Socket;
    const state = this.sockets.get(socket);
    if (this.isDraining) response.setHeader('connection', 'close');
    this.openResponses.add(response);
    if (state) state.active += 1;
    response.once('close', () => {
      this.openResponses.delete(response);
      if (!state) return;
      state.active -= 1;
      state.served += 1;
      // A response that sent its headers before the drain began may have promised keep-alive:
      // once it is done, nothing else is coming on that socket that we would answer.
      if (this.isDraining && state.active === 0 && !socket.destroyed) socket.destroySoon();
    });
  }
}
