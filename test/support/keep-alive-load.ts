import { Agent, request } from 'node:http';

export interface LoadResult {
  /** Answers by status code. */
  statuses: Record<number, number>;
  /**
   * Requests that got no answer, by error code, `reused:` prefixed when the request went out on a
   * kept-alive socket (a reset there is a request the server dropped) and `new:` on a fresh one
   * (refused, or reset while still in the kernel's accept queue when the listener closed).
   */
  errors: Record<string, number>;
  /** Answers that said `Connection: close`. */
  closeAnswers: number;
  /** When the last answer came. */
  lastAnswerAt: number;
}

/**
 * Keep-alive clients as a load balancer or an HTTP client pool behaves: each of `clients` loops
 * sends the next request as soon as the previous answer is read, on the same socket while the
 * server keeps it open, until `stop()` or until the server refuses new connections.
 */
export function keepAliveLoad(url: string, headers: Record<string, string>, clients: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const result: LoadResult = { statuses: {}, errors: {}, closeAnswers: 0, lastAnswerAt: 0 };
  let isStopped = false;
  const once = () =>
    new Promise<boolean>((resolve) => {
      const req = request(url, { agent, headers }, (response) => {
        response.resume();
        response.on('end', () => {
          result.statuses[response.statusCode!] = (result.statuses[response.statusCode!] ?? 0) + 1;
          if (response.headers.connection === 'close') result.closeAnswers += 1;
          result.lastAnswerAt = Date.now();
          resolve(true);
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        const key = `${req.reusedSocket ? 'reused' : 'new'}:${error.code ?? error.message}`;
        result.errors[key] = (result.errors[key] ?? 0) + 1;
        resolve(false);
      });
      req.end();
    });
  const loops = Array.from({ length: clients }, async () => {
    while (!isStopped && (await once()));
  });
  const done = Promise.all(loops).then(() => {
    agent.destroy();
    return result;
  });
  return {
    result,
    done,
    stop: () => {
      isStopped = true;
      return done;
    },
  };
}
