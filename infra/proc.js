// @ts-check
'use strict';
// Processes the infra starts: spawn detached with a pid file, recognise them again by their
// command line (a pid alone may have been reused), stop exactly those.

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

/** A failure the user can act on: printed as one line with what to do, no stack trace. */
class InfraError extends Error {
  /** @param {string} message @param {string} [hint] */
  constructor(message, hint) {
    super(message);
    this.name = 'InfraError';
    this.hint = hint;
  }
}

/**
 * @typedef {object} PidRecord
 * @property {number} pid
 * @property {string} marker a string the process's command line must contain to be ours
 * @property {string} startedAt
 */

/** @param {string} file @returns {PidRecord | undefined} */
function readPidFile(file) {
  try {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof rec.pid === 'number' && typeof rec.marker === 'string' ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** @param {number} pid @returns {string | undefined} the command line, or undefined if gone */
function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // Not Linux (or the process is gone): ask ps.
    const r = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
  }
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    const cmd = commandLine(pid);
    return cmd !== undefined && !isZombie(pid);
  } catch {
    return false;
  }
}

/** @param {number} pid */
function isZombie(pid) {
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The pid of our running process, or undefined (a stale pid file is removed).
 * @param {string} file
 */
function runningPid(file) {
  const rec = readPidFile(file);
  if (!rec) return undefined;
  const cmd = isAlive(rec.pid) ? commandLine(rec.pid) : undefined;
  if (cmd && cmd.includes(rec.marker)) return rec.pid;
  fs.rmSync(file, { force: true });
  return undefined;
}

/**
 * Starts a detached process that outlives this one, output appended to `logFile`.
 * @param {{command: string, args: string[], cwd: string, logFile: string, pidFile: string, marker: string, env?: NodeJS.ProcessEnv}} o
 */
function startDetached(o) {
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(o.pidFile), { recursive: true });
  const out = fs.openSync(o.logFile, 'a');
  const child = spawn(o.command, o.args, {
    cwd: o.cwd,
    detached: true,
    stdio: ['ignore', out, out],
    env: o.env ?? process.env,
  });
  fs.closeSync(out);
  if (child.pid === undefined)
    throw new InfraError(`could not start ${o.command}`, 'check that it is installed and on PATH');
  child.unref();
  /** @type {PidRecord} */
  const rec = { pid: child.pid, marker: o.marker, startedAt: new Date().toISOString() };
  fs.writeFileSync(o.pidFile, JSON.stringify(rec) + '\n');
  return child.pid;
}

/**
 * Stops the process of a pid file if (and only if) its command line still carries our marker.
 * @param {string} file
 * @param {number} graceMs time between SIGTERM and SIGKILL
 * @returns {Promise<'stopped' | 'killed' | 'not-running'>}
 */
async function stopPidFile(file, graceMs) {
  const pid = runningPid(file);
  if (pid === undefined) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      fs.rmSync(file, { force: true });
      return 'stopped';
    }
    await sleep(200);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  fs.rmSync(file, { force: true });
  return 'killed';
}

/**
 * Whether something listens on 127.0.0.1:port (we try to bind it ourselves).
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function portTaken(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(true));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(false)));
  });
}

/**
 * Runs a command to completion, output to a log file; throws an InfraError naming the log on failure.
 * @param {{command: string, args: string[], cwd: string, logFile: string, what: string, hint: string, env?: NodeJS.ProcessEnv}} o
 */
function runLogged(o) {
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const out = fs.openSync(o.logFile, 'a');
  const r = spawnSync(o.command, o.args, { cwd: o.cwd, stdio: ['ignore', out, out], env: o.env ?? process.env });
  fs.closeSync(out);
  if (r.error) throw new InfraError(`${o.what}: ${r.error.message}`, o.hint);
  if (r.status !== 0) throw new InfraError(`${o.what} failed (exit ${r.status}); see ${o.logFile}`, o.hint);
}

/** The last lines of a log, to show why a service died. @param {string} file @param {number} n */
function tail(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = {
  InfraError,
  readPidFile,
  runningPid,
  startDetached,
  stopPidFile,
  portTaken,
  runLogged,
  tail,
  sleep,
  commandLine,
  isAlive,
};
