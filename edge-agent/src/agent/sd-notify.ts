import { spawn } from 'node:child_process';

/**
 * systemd notifications through `systemd-notify` (Node has no AF_UNIX datagram sockets). Only
 * when systemd asked for them (NOTIFY_SOCKET set); the unit needs NotifyAccess=all because the
 * message comes from a child process. Failures are ignored: notification is optional.
 */
export function sdNotify(state: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!env.NOTIFY_SOCKET) return;
  try {
    const child = spawn('systemd-notify', [state], { stdio: 'ignore' });
    child.on('error', () => undefined);
  } catch {
    // no systemd-notify on this machine
  }
}

/** Half of WatchdogSec, ms, when systemd's watchdog is on for this process; else null. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.NOTIFY_SOCKET || !Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return null;
  return Math.max(1000, Math.floor(usec / 2000));
}
