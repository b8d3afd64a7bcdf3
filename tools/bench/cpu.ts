import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/*
 * CPU used by groups of processes over a stretch of a benchmark, read from
 * /proc (Linux): on a small machine, where the cores went says more about a
 * latency tail than the tail itself.
 */

export interface ProcessGroup {
  name: string;
  /** Whether a process belongs to the group, by pid and command line. */
  has(pid: number, commandLine: string): boolean;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds used so far by each group's live processes. */
function cpuSeconds(groups: ProcessGroup[]): Map<string, number> {
  const used = new Map(groups.map((g) => [g.name, 0]));
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const group = groups.find((g) => g.has(pid, commandLine));
      if (!group) continue;
      const seconds = processCpuSeconds(pid);
      if (Number.isFinite(seconds)) used.set(group.name, used.get(group.name)! + seconds);
    } catch {
      // The process ended while being read.
    }
  }
  return used;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN where there is none (not Linux, gone, not readable). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name in parentheses: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** CPU seconds the whole machine has been busy, and of those stolen by the hypervisor (/proc/stat). */
function machineSeconds(): { busy: number; stolen: number } {
  // cpu  user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND, stolen: steal! / TICKS_PER_SECOND };
}

/**
 * Starts measuring; `stop()` gives each group's average cores used since
 * (processes that exit meanwhile are not counted), then what the rest of the
 * machine used (`other processes`) and what the hypervisor took (`stolen`):
 * a run that shared the cores with other work says so.
 */
export function measureCpu(groups: ProcessGroup[]): { stop(): Map<string, number> } {
  if (process.platform !== 'linux') return { stop: () => new Map() };
  const before = cpuSeconds(groups);
  const machineBefore = machineSeconds();
  const started = performance.now();
  return {
    stop() {
      const after = cpuSeconds(groups);
      const machineAfter = machineSeconds();
      const seconds = (performance.now() - started) / 1000;
      const used = new Map(groups.map((g) => [g.name, (after.get(g.name)! - before.get(g.name)!) / seconds]));
      const ours = [...used.values()].reduce((sum, cores) => sum + cores, 0);
      const stolen = (machineAfter.stolen - machineBefore.stolen) / seconds;
      used.set('other processes', Math.max(0, (machineAfter.busy - machineBefore.busy) / seconds - stolen - ours));
      used.set('stolen', stolen);
      return used;
    },
  };
}
