/**
 * The hub process's own figures under the names Prometheus' client
 * libraries use (`process_*`), read at scrape time. prom-client's
 * `collectDefaultMetrics` is not used: it starts a timer of its own.
 */
import process from "node:process";
import { Counter, Gauge, type Registry } from "prom-client";

/** Memory, CPU, start time and open file descriptors of this process. */
export class ProcessGauges {
  readonly #rss: Gauge;
  readonly #heap: Gauge;
  readonly #heapUsed: Gauge;
  readonly #cpu: Counter;
  readonly #fds: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#rss = new Gauge({
      name: "process_resident_memory_bytes",
      help: "Resident memory size in bytes",
      registers,
    });
    this.#heap = new Gauge({
      name: "process_heap_bytes",
      help: "Process heap size in bytes (V8's total heap)",
      registers,
    });
    this.#heapUsed = new Gauge({
      name: "drover_hub_heap_used_bytes",
      help: "V8 heap in use, bytes",
      registers,
    });
    this.#cpu = new Counter({
      name: "process_cpu_seconds_total",
      help: "User and system CPU time spent, seconds",
      registers,
    });
    this.#fds = new Gauge({
      name: "process_open_fds",
      help: "Open file descriptors (Linux only)",
      registers,
    });
    new Gauge({
      name: "process_start_time_seconds",
      help: "Start time of the process since the Unix epoch, seconds",
      registers,
    }).set(Math.floor(performance.timeOrigin / 1000));
  }

  /** Reads the figures now. */
  update(): void {
    const memory = Deno.memoryUsage();
    this.#rss.set(memory.rss);
    this.#heap.set(memory.heapTotal);
    this.#heapUsed.set(memory.heapUsed);
    const cpu = process.cpuUsage();
    this.#cpu.reset();
    this.#cpu.inc((cpu.user + cpu.system) / 1e6);
    const fds = openFds();
    if (fds === null) this.#fds.reset();
    else this.#fds.set(fds);
  }
}

function openFds(): number | null {
  try {
    let n = 0;
    for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
    return n;
  } catch {
    return null;
  }
}
