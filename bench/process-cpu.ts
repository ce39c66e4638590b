import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time of the processes a bench drives, read from Linux's /proc: the figures that say
 * which side of a throughput bench is short of cores. Null where /proc is not there.
 */
export interface CpuSnapshot {
  /** Seconds of user + system time of the processes asked for, by process id. */
  processes: Map<number, number>;
  /** The same for every Postgres process. */
  postgres: Map<number, number>;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** User + system seconds of one process; null when it is gone or /proc is missing. */
function processSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return null;
  }
}

/** Every running process named `postgres` (the server and its backends). */
function postgresPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

function secondsByPid(pids: number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    const spent = processSeconds(pid);
    if (spent !== null) seconds.set(pid, spent);
  }
  return seconds;
}

/** The given processes' CPU seconds now, and those of every Postgres process. */
export function cpuSnapshot(pids: number[]): CpuSnapshot | null {
  const snapshot = { processes: secondsByPid(pids), postgres: secondsByPid(postgresPids()) };
  return snapshot.processes.size + snapshot.postgres.size === 0 ? null : snapshot;
}

/** Seconds spent since `before` by the processes in `after` (one that started in between counts whole). */
function spentSince(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}

/**
 * CPU seconds spent between two snapshots by the processes asked for, and by the Postgres
 * processes (those that ended in between are not counted: the pool's backends live throughout).
 */
export function cpuSpent(before: CpuSnapshot | null, after: CpuSnapshot | null): { processes: number; postgres: number } | null {
  if (!before || !after) return null;
  return { processes: spentSince(before.processes, after.processes), postgres: spentSince(before.postgres, after.postgres) };
}
