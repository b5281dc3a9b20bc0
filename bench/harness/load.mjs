// The load generator, run as its own process by the bench runner: autocannon against one URL,
// then one line of JSON on stdout. Arguments come as one JSON object in argv[2]:
// { url, connections, durationSeconds, headers }.
import autocannon from 'autocannon';

const { url, connections, durationSeconds, headers } = JSON.parse(process.argv[2]);
const cpuBefore = process.cpuUsage();
const result = await autocannon({ url, connections, duration: durationSeconds, headers });
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
    durationSeconds: result.duration,
    clientCpuMicros: cpu.user + cpu.system,
  })}\n`,
);
