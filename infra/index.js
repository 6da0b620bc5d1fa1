// @ts-check
'use strict';
// up / down / status of the local infrastructure: Kafka and FerretDB on 127.0.0.1, everything
// under .local/. Services that the environment points elsewhere are left alone.

const fs = require('node:fs');
const path = require('node:path');
const { loadSettings } = require('./settings');
const kafka = require('./kafka');
const ferretdb = require('./ferretdb');
const { InfraError, isAlive, readPidFile, sleep, tail } = require('./proc');
const { kafkaAnswers, mongoAnswers, waitUntil } = require('./health');
const { contractTopicNames, createTopics } = require('./topics');

/** @typedef {import('./settings').Settings} Settings */
/** @typedef {'kafka' | 'ferretdb'} ServiceName */
/** @typedef {{started: ServiceName[], alreadyRunning: ServiceName[], external: ServiceName[], topicsCreated: string[], seconds: number}} UpResult */

const SERVICES = /** @type {const} */ ({
  kafka: { module: kafka, startTimeoutMs: 120_000, label: 'Kafka' },
  ferretdb: { module: ferretdb, startTimeoutMs: 60_000, label: 'FerretDB' },
});

/** @param {Settings} s @param {ServiceName} name */
function isManaged(s, name) {
  return name === 'kafka' ? s.manageKafka : s.manageMongo;
}

/** @param {Settings} s @param {ServiceName} name */
function answers(s, name) {
  // A local cluster answers once every broker has joined (topics need all their replicas).
  return name === 'kafka' ? kafkaAnswers(s.brokers, s.manageKafka ? s.brokerCount : 1) : mongoAnswers(s.mongoUrl);
}

/** @param {Settings} s @param {ServiceName} name */
function logOf(s, name) {
  return name === 'kafka' ? kafka.nodes(s)[0].serverLog : ferretdb.paths(s).stdout;
}

/** Whether the service (all of its processes) still runs. @param {Settings} s @param {ServiceName} name @param {number} pid */
function stillRuns(s, name, pid) {
  return name === 'kafka' ? kafka.pidsOf(s).every((p) => p !== undefined && isAlive(p)) : isAlive(pid);
}

/**
 * Serialises concurrent `up`/`down` runs (two test runs, or a user and a test run).
 * @param {Settings} s
 * @param {() => Promise<T>} fn
 * @template T
 * @returns {Promise<T>}
 */
async function withLock(s, fn) {
  const file = path.join(s.dirs.run, 'infra.lock');
  fs.mkdirSync(s.dirs.run, { recursive: true });
  const deadline = Date.now() + 15 * 60_000; // a cold build may hold it for minutes
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(fs.readFileSync(file, 'utf8') || 0);
      if (!holder || !isAlive(holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new InfraError(`another infra command (pid ${holder}) holds ${file}`, 'wait for it or remove the file');
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Starts what is not running yet, waits until everything answers, creates the contract topics.
 * `brokers: 3` (the CLI's `--brokers 3`, or KAFKA_LOCAL_BROKERS=3) starts a three-broker cluster.
 * @param {{env?: NodeJS.ProcessEnv, brokers?: number, say?: (msg: string) => void}} [o] `brokers`: the CLI's --brokers
 * @returns {Promise<UpResult>}
 */
async function up(o = {}) {
  const say = o.say ?? ((m) => console.log(m));
  const env = o.env ?? process.env;
  const s = loadSettings(o.brokers === undefined ? env : { ...env, KAFKA_LOCAL_BROKERS: String(o.brokers) });
  const t0 = Date.now();
  for (const dir of Object.values(s.dirs)) fs.mkdirSync(dir, { recursive: true });
  return withLock(s, async () => {
    /** @type {UpResult} */
    const result = { started: [], alreadyRunning: [], external: [], topicsCreated: [], seconds: 0 };
    /** @type {Partial<Record<ServiceName, number>>} */
    const pids = {};
    /** @type {ServiceName[]} */
    const toStart = [];
    for (const name of /** @type {ServiceName[]} */ (['kafka', 'ferretdb'])) {
      const pid = isManaged(s, name) ? SERVICES[name].module.pidOf(s) : undefined;
      if (!isManaged(s, name)) result.external.push(name);
      else if (pid !== undefined) {
        result.alreadyRunning.push(name);
        pids[name] = pid;
      } else toStart.push(name);
    }
    // All checks before any download, build or start: a taken port fails fast and starts nothing.
    for (const name of toStart) await SERVICES[name].module.checkPorts(s);
    for (const name of toStart) SERVICES[name].module.provision(s, say);
    for (const name of toStart) {
      pids[name] = await SERVICES[name].module.start(s);
      result.started.push(name);
    }
    for (const name of /** @type {ServiceName[]} */ (['kafka', 'ferretdb'])) {
      const svc = SERVICES[name];
      const pid = pids[name];
      const outcome = await waitUntil(() => answers(s, name), {
        timeoutMs: result.external.includes(name) ? 15_000 : svc.startTimeoutMs,
        intervalMs: 300,
        gaveUp: pid === undefined ? undefined : () => !stillRuns(s, name, pid),
      });
      if (outcome === 'died') {
        const last = tail(logOf(s, name), 5);
        throw new InfraError(
          `${svc.label} exited during start-up${last ? `; last log lines:\n${last}\n` : ''}`,
          `see ${logOf(s, name)}`,
        );
      }
      if (outcome === 'timeout') {
        const where = name === 'kafka' ? s.brokers.join(',') : redact(s.mongoUrl);
        throw new InfraError(
          `${svc.label} at ${where} did not answer within ${Math.round((result.external.includes(name) ? 15_000 : svc.startTimeoutMs) / 1000)} s`,
          result.external.includes(name) ? 'check that the server is up and reachable' : `see ${logOf(s, name)}`,
        );
      }
    }
    const created = await createTopics({
      brokers: s.brokers,
      topics: contractTopicNames(s.topicPrefix, s.env),
      partitions: s.partitions,
      replicationFactor: s.replicationFactor,
      minInsyncReplicas: s.minInsyncReplicas,
    });
    result.topicsCreated = created.topics;
    result.seconds = (Date.now() - t0) / 1000;
    for (const n of result.alreadyRunning) say(`${SERVICES[n].label}: already running (pid ${pids[n]})`);
    for (const n of result.started) say(`${SERVICES[n].label}: started (pid ${pids[n]})`);
    if (s.manageKafka && s.brokerCount > 1 && [...result.started, ...result.alreadyRunning].includes('kafka')) {
      const pidList = kafka.pidsOf(s).join(', ');
      say(
        `Kafka: ${s.brokerCount} brokers (pids ${pidList}) at ${kafka
          .nodes(s)
          .map((n) => `127.0.0.1:${n.port}`)
          .join(
            ',',
          )}; new topics: ${created.replicationFactor} replicas, min.insync.replicas ${created.minInsyncReplicas}` +
          (o.brokers === undefined || s.env.KAFKA_BROKERS
            ? ''
            : ` — the apps need KAFKA_LOCAL_BROKERS=${s.brokerCount} too (e.g. in .env)`),
      );
    }
    for (const n of result.external)
      say(
        `${SERVICES[n].label}: external (${n === 'kafka' ? s.brokers.join(',') : redact(s.mongoUrl)}), not managed here`,
      );
    if (result.topicsCreated.length)
      say(
        `topics created: ${result.topicsCreated.join(', ')} (${s.partitions} partitions, replication factor ${created.replicationFactor})`,
      );
    say(`infra up in ${result.seconds.toFixed(1)} s — Kafka ${s.brokers.join(',')}, MongoDB ${redact(s.mongoUrl)}`);
    return result;
  });
}

/**
 * Stops the services infra started (all, or `only`), by their pid files.
 * @param {{env?: NodeJS.ProcessEnv, say?: (msg: string) => void, only?: ServiceName[]}} [o]
 */
async function down(o = {}) {
  const say = o.say ?? ((m) => console.log(m));
  const s = loadSettings(o.env);
  return withLock(s, async () => {
    /** @type {Partial<Record<ServiceName, string>>} */
    const outcome = {};
    // FerretDB first: clients see their database go before the broker.
    for (const name of o.only ?? /** @type {ServiceName[]} */ (['ferretdb', 'kafka'])) {
      const r = await SERVICES[name].module.stop(s);
      outcome[name] = r;
      say(`${SERVICES[name].label}: ${r === 'not-running' ? 'not running' : r}`);
    }
    return outcome;
  });
}

/**
 * @param {{env?: NodeJS.ProcessEnv}} [o]
 * @returns {Promise<Record<ServiceName, {managed: boolean, pid?: number, pids?: number[], answers: boolean, where: string}>>}
 */
async function status(o = {}) {
  const s = loadSettings(o.env);
  const [k, m] = await Promise.all([kafkaAnswers(s.brokers), mongoAnswers(s.mongoUrl)]);
  const kafkaPids = kafka.pidsOf(s).filter((p) => p !== undefined);
  return {
    kafka: {
      managed: s.manageKafka,
      pid: kafkaPids[0],
      ...(kafkaPids.length > 1 ? { pids: kafkaPids } : {}),
      answers: k,
      where: s.brokers.join(','),
    },
    ferretdb: { managed: s.manageMongo, pid: ferretdb.pidOf(s), answers: m, where: redact(s.mongoUrl) },
  };
}

/** @param {string} url */
function redact(url) {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

module.exports = { up, down, status, loadSettings, readPidFile };
