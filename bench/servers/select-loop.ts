/**
 * Child process of the stack benchmark, scenario D (the ceiling): the bare select of one project
 * through postgres.js, no transaction and no HTTP, from a fixed number of concurrent loops. Runs
 * when the parent sends {seconds, concurrency, targets} and answers with queries/s, latency
 * percentiles and its own CPU.
 */
import postgres from 'postgres';

interface RunMessage {
  seconds: number;
  concurrency: number;
  targets: { tenantId: string; projectId: string }[];
}

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.DB_POOL_SIZE ?? 10), prepare: true, onnotice: () => undefined });

async function run({ seconds, concurrency, targets }: RunMessage) {
  const latencies: number[] = [];
  let next = 0;
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const target = targets[next]!;
        next = next + 1 === targets.length ? 0 : next + 1;
        const t0 = performance.now();
        await sql`select * from projects where tenant_id = ${target.tenantId} and id = ${target.projectId}`;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2));
  return {
    requests: latencies.length,
    perSecond: Math.round(latencies.length / elapsed),
    p50: at(0.5),
    p99: at(0.99),
    errors: 0,
    cpu: { generator: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100) },
    cpuPerRequest: { generator: Math.round((cpu.user + cpu.system) / latencies.length) },
  };
}

process.on('message', (message: RunMessage | 'stop') => {
  if (message === 'stop') {
    void sql.end({ timeout: 1 }).then(() => process.exit(0));
    return;
  }
  run(message).then(
    (result) => process.send!(result),
    (error: unknown) => process.send!({ error: String(error) }),
  );
});
process.send!({ ready: true });
