import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Kernel clock ticks per second (utime/stime unit in /proc/<pid>/stat); 100 on every common Linux. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size in MB (VmRSS), or NaN once the process is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * One phase's resource figures for a process: CPU as a percentage of one core over the phase
 * (utime+stime delta / wall time) and the largest RSS seen in one-second samples.
 */
export function measureProcess(pid: number) {
  const startedAt = performance.now();
  const startCpu = cpuSeconds(pid);
  let maxRss = rssMb(pid);
  const timer = setInterval(() => {
    const rss = rssMb(pid);
    if (rss > maxRss) maxRss = rss;
  }, 1000);
  return {
    stop(): { cpuPercent: number; maxRssMb: number; seconds: number } {
      clearInterval(timer);
      const rss = rssMb(pid);
      if (rss > maxRss) maxRss = rss;
      const seconds = (performance.now() - startedAt) / 1000;
      return { cpuPercent: ((cpuSeconds(pid) - startCpu) / seconds) * 100, maxRssMb: maxRss, seconds };
    },
  };
}
