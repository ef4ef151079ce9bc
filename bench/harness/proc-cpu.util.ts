import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, nearly always 100). */
const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** A process's name (`/proc/<pid>/comm`) and CPU time so far (user + system, all threads). */
export interface ProcessCpu {
  name: string;
  /** Microseconds. */
  cpu: number;
}

/** `null` when the process is gone (or not readable). */
export function processCpu(pid: number): ProcessCpu | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid ..." — comm may hold spaces and parentheses: split at the last ')'.
  const close = stat.lastIndexOf(')');
  const name = stat.slice(stat.indexOf('(') + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime and stime are fields 14 and 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { name, cpu: (ticks / CLOCK_TICKS) * 1e6 };
}

/** CPU microseconds of each pid still alive, keyed by pid; only processes named `name` when given. */
export function cpuOf(pids: Iterable<number>, name?: string): Map<number, number> {
  const result = new Map<number, number>();
  for (const pid of pids) {
    const found = processCpu(pid);
    if (found && (name === undefined || found.name === name)) result.set(pid, found.cpu);
  }
  return result;
}

/**
 * CPU spent between two {@link cpuOf} snapshots: each pid's growth, plus the whole CPU of pids
 * that appeared in between (a process started during the window spent it all in the window).
 */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}
