import * as fs from 'node:fs';

/**
 * Peak resident memory of a child process, from Linux's /proc/<pid>/status: VmHWM is the
 * kernel's own high-water mark of VmRSS, so one read at the end already holds the peak;
 * the sampler also reads it periodically in case the process dies before the end.
 */

/** `VmHWM`/`VmRSS` of a /proc/<pid>/status text, in MiB (null when absent). Pure. */
export function memoryOf(status: string): { hwmMb: number | null; rssMb: number | null } {
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : null;
  };
  return { hwmMb: kb('VmHWM'), rssMb: kb('VmRSS') };
}

export function readMemory(pid: number): { hwmMb: number | null; rssMb: number | null } {
  try {
    return memoryOf(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return { hwmMb: null, rssMb: null }; // gone, or not Linux
  }
}

export class PeakRss {
  private peak: number | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number | null {
    const { hwmMb, rssMb } = readMemory(this.pid);
    const seen = hwmMb ?? rssMb;
    if (seen !== null) this.peak = Math.max(this.peak ?? 0, seen);
    return this.peak;
  }

  /** Takes a last sample and stops; the peak in MiB (null when /proc could not be read). */
  stop(): number | null {
    clearInterval(this.timer);
    return this.sample();
  }
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat; null when unreadable. */
export function readCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), which ends at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return Number.isFinite(ticks) ? ticks / 100 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}
