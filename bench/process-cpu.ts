import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time of the processes a bench drives, read from Linux's /proc: the figures that say
 * which side of a throughput bench is short of cores. Null where /proc is not there.
 */
export interface CpuSnapshot {
  /** Seconds of user + system time, by process id. */
  byPid: Map<number, number>;
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

/** The given processes' CPU seconds now, and those of every Postgres process. */
export function cpuSnapshot(pids: number[]): CpuSnapshot | null {
  const byPid = new Map<number, number>();
  for (const pid of [...pids, ...postgresPids()]) {
    const seconds = processSeconds(pid);
    if (seconds !== null) byPid.set(pid, seconds);
  }
  return byPid.size === 0 ? null : { byPid };
}

/**
 * CPU seconds spent between two snapshots by `pids`, and by the Postgres processes
 * (those that ended in between are not counted: the pool's backends live throughout).
 */
export function cpuSpent(before: CpuSnapshot | null, after: CpuSnapshot | null, pids: number[]): { processes: number; postgres: number } | null {
  if (!before || !after) return null;
  let processes = 0;
  let postgres = 0;
  for (const [pid, seconds] of after.byPid) {
    const spent = seconds - (before.byPid.get(pid) ?? 0);
    if (pids.includes(pid)) processes += spent;
    else postgres += spent;
  }
  return { processes, postgres };
}
