/**
 * The programmatic load harness of every HTTP benchmark: autocannon in this process with a fixed
 * number of keep-alive connections for a fixed duration, against a server running in another
 * process, reporting throughput, latency percentiles and the CPU both sides used meanwhile, so a
 * generator that starves the server (or the reverse) on a small machine shows in the figures.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import autocannon from 'autocannon';
import Redis from 'ioredis';

export interface LoadTarget {
  /** Path (with query) and headers of one request. */
  path: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: string;
}

export interface LoadOptions {
  /** Origin of the server, e.g. http://127.0.0.1:3000. */
  origin: string;
  /** The requests to send, taken in turn (round robin over all connections). */
  targets: readonly LoadTarget[];
  connections: number;
  seconds: number;
  /** Process id of the server, to report its CPU; omit when it is not a local process. */
  serverPid?: number;
  /** Every response must have this status (default 200); any other counts as an error. */
  expectStatus?: number;
}

export interface CpuShare {
  /** CPU time used during the run over wall time, in percent of one core (200 = both cores). */
  generator: number;
  server?: number;
  /** Every process of the machine (PostgreSQL, Redis, neighbours), same unit: shows saturation. */
  machine?: number;
}

/** CPU time per completed request, in microseconds: the primary figure on a shared machine. */
export interface CpuPerRequest {
  generator: number;
  /** utime + stime of the server process (all its threads) over the requests it completed. */
  server?: number;
  /** Every process of the machine (includes PostgreSQL, Redis and any neighbour's work). */
  machine?: number;
  /**
   * Every PostgreSQL process of this machine (backends, WAL writer, checkpointer): what the
   * requests cost the database, when it is local and nothing else uses it meanwhile.
   */
  database?: number;
}

export interface LoadResult {
  requests: number;
  /** Completed requests per second over the run. */
  perSecond: number;
  p50: number;
  p99: number;
  /** Responses with another status than expected, plus connection errors and timeouts. */
  errors: number;
  cpu: CpuShare;
  /** µs of CPU per request: unlike req/s, this holds when neighbours take cores away. */
  cpuPerRequest: CpuPerRequest;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** A local process's command name and user + system CPU seconds so far (Linux /proc), or undefined. */
function readProcessStat(pid: number | string): { command: string; cpuSeconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: the fields after it start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** user + system CPU seconds a local process has used so far (Linux /proc), or undefined elsewhere. */
export function processCpuSeconds(pid: number): number | undefined {
  return readProcessStat(pid)?.cpuSeconds;
}

/** Busy CPU seconds of the whole machine so far (all cores, Linux /proc/stat), or undefined elsewhere. */
export function machineBusySeconds(): number | undefined {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).map(Number);
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return (total - ticks[3]! - ticks[4]!) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * user + system CPU seconds used so far by this machine's processes of that command name (Linux
 * /proc; a process that exits takes its share with it), or undefined elsewhere.
 */
export function commandCpuSeconds(command: string): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  let seconds = 0;
  for (const pid of pids) {
    // A process gone meanwhile reads as undefined.
    const stat = readProcessStat(pid);
    if (stat?.command === command) seconds += stat.cpuSeconds;
  }
  return seconds;
}

/** Measures the CPU of this process and, optionally, of another one between start and stop. */
export class CpuMeter {
  private readonly ownStart = process.cpuUsage();
  private readonly otherStart: number | undefined;
  private readonly machineStart = machineBusySeconds();
  private readonly databaseStart = commandCpuSeconds('postgres');
  private readonly wallStart = process.hrtime.bigint();

  constructor(private readonly otherPid?: number) {
    this.otherStart = otherPid === undefined ? undefined : processCpuSeconds(otherPid);
  }

  /** Percentages of one core over the wall time, and the CPU seconds themselves. */
  stop(): { self: number; other?: number; machine?: number; seconds: { self: number; other?: number; machine?: number; database?: number } } {
    const wall = Number(process.hrtime.bigint() - this.wallStart) / 1e9;
    const percent = (seconds: number) => Math.round((seconds / wall) * 100);
    const own = process.cpuUsage(this.ownStart);
    const otherNow = this.otherPid === undefined ? undefined : processCpuSeconds(this.otherPid);
    const machineNow = machineBusySeconds();
    const databaseNow = commandCpuSeconds('postgres');
    const self = (own.user + own.system) / 1e6;
    const other = otherNow !== undefined && this.otherStart !== undefined ? otherNow - this.otherStart : undefined;
    const machine = machineNow !== undefined && this.machineStart !== undefined ? machineNow - this.machineStart : undefined;
    const database = databaseNow !== undefined && this.databaseStart !== undefined ? databaseNow - this.databaseStart : undefined;
    return {
      self: percent(self),
      ...(other !== undefined ? { other: percent(other) } : {}),
      ...(machine !== undefined ? { machine: percent(machine) } : {}),
      seconds: { self, ...(other !== undefined ? { other } : {}), ...(machine !== undefined ? { machine } : {}), ...(database !== undefined ? { database } : {}) },
    };
  }
}

/** Runs one closed-loop load and resolves with its figures. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const expectStatus = options.expectStatus ?? 200;
  const targets = options.targets;
  if (targets.length === 0) throw new Error('runLoad: no targets');
  let next = 0;
  let unexpected = 0;
  const meter = new CpuMeter(options.serverPid);
  const result = await autocannon({
    url: options.origin,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    // The bench judges statuses itself, and a slow request must show in p99, not vanish.
    timeout: 30,
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          const target = targets[next]!;
          next = next + 1 === targets.length ? 0 : next + 1;
          request.path = target.path;
          request.method = target.method ?? 'GET';
          request.headers = { ...request.headers, ...target.headers };
          if (target.body !== undefined) request.body = target.body;
          return request;
        },
        onResponse: (status: number) => {
          if (status !== expectStatus) unexpected += 1;
        },
      },
    ],
  });
  const cpu = meter.stop();
  const requests = result.requests.total;
  return {
    requests: result.requests.total,
    perSecond: Math.round(result.requests.total / (result.duration || options.seconds)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: unexpected + result.errors + result.timeouts,
    cpu: { generator: cpu.self, server: cpu.other, machine: cpu.machine },
    cpuPerRequest: {
      generator: microsPerRequest(cpu.seconds.self, requests)!,
      server: microsPerRequest(cpu.seconds.other, requests),
      machine: microsPerRequest(cpu.seconds.machine, requests),
      database: microsPerRequest(cpu.seconds.database, requests),
    },
  };
}

/** CPU seconds over a count, in whole microseconds each (undefined when either is unknown). */
export function microsPerRequest(seconds: number | undefined, requests: number): number | undefined {
  return seconds === undefined || requests === 0 ? undefined : Math.round((seconds * 1e6) / requests);
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Deletes every Redis key whose name holds `prefix` (a bench run's own random prefix). */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The process ids of the PostgreSQL backends serving a local client process's open connections to
 * `port`: its socket inodes (/proc/<pid>/fd), their local ports (/proc/net/tcp), and the backends
 * with those client ports (`pg_stat_activity`, read through `sql` as a role that sees them all).
 */
export async function backendPidsOf(clientPid: number, sql: (query: string, values: unknown[]) => Promise<{ pid: number }[]>, port = 5432): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${clientPid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${clientPid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
  const localPorts: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      const remotePort = parseInt(fields[2]!.split(':')[1]!, 16);
      if (remotePort === port) localPorts.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  if (localPorts.length === 0) return [];
  return (await sql('select pid from pg_stat_activity where client_port = any($1::int[])', [localPorts])).map((row) => row.pid);
}
