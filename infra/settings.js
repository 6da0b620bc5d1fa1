// @ts-check
'use strict';
// Where the local infrastructure lives and how it is configured. Plain CommonJS so it runs
// before any build; reads the same environment variables (and .env) as libs/config.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** Versions of the local services (README says why these). */
const VERSIONS = {
  // kafkajs 2.2.4 speaks protocol versions that Kafka 4.x removed; 3.9.x still accepts them.
  kafka: '3.9.1',
  scala: '2.13',
  slf4j: '1.7.36', // the slf4j line Kafka 3.9 is built against
  reload4j: '1.2.25',
  ferretdb: 'v1.24.2',
};

/**
 * Reads `KEY=value` lines of a .env file (same rules as libs/config readDotEnv).
 * @param {string} file
 * @returns {Record<string, string>}
 */
function readDotEnv(file) {
  if (!fs.existsSync(file)) return {};
  /** @type {Record<string, string>} */
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let value = m[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

/**
 * @typedef {object} Settings
 * @property {string} root repository root
 * @property {string} localDir the ignored folder holding jars, binaries, data, logs, pid files
 * @property {{kafka: string, ferretdb: string, data: string, logs: string, run: string}} dirs
 * @property {number} kafkaPort the first broker's client port
 * @property {number} controllerPort the first broker's controller port
 * @property {number} brokerCount local brokers: 1, or a KRaft cluster of 3 (or 5)
 * @property {number[]} kafkaPorts client port of each local broker (node i+1)
 * @property {number[]} controllerPorts controller port of each local broker
 * @property {number | undefined} replicationFactor KAFKA_REPLICATION_FACTOR, or undefined: min(3, brokers)
 * @property {number | undefined} minInsyncReplicas KAFKA_MIN_INSYNC_REPLICAS, or undefined: 2 with 3 replicas, else 1
 * @property {number} mongoPort
 * @property {string} kafkaHeap e.g. -Xmx768m
 * @property {string[]} brokers what the apps will use (KAFKA_BROKERS or the local default)
 * @property {string} mongoUrl what the apps will use (MONGO_URL or the local default)
 * @property {boolean} manageKafka false when KAFKA_BROKERS points elsewhere
 * @property {boolean} manageMongo false when MONGO_URL points elsewhere
 * @property {string} topicPrefix
 * @property {number} partitions
 * @property {Record<string, string | undefined>} env the merged environment
 */

/** @param {string | undefined} v @param {string} name @param {number} max @returns {number | undefined} */
function countOf(v, name, max) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`${name}: not an integer from 1 to ${max} (got "${v}")`);
  return n;
}

/** Local broker counts infra can start: one node, or a KRaft quorum of an odd size. */
const BROKER_COUNTS = [1, 3, 5];

/** @param {string} v @param {string} name @returns {number} */
function portOf(v, name) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}: not a port (got "${v}")`);
  return n;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]', '::1'];

/**
 * @param {NodeJS.ProcessEnv} [processEnv]
 * @returns {Settings}
 */
function loadSettings(processEnv = process.env) {
  /** @type {Record<string, string | undefined>} */
  const env = { ...readDotEnv(path.join(process.cwd(), '.env')), ...processEnv };
  const get = (/** @type {string} */ k) => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const localDir = path.resolve(get('IW_LOCAL_DIR') ?? path.join(ROOT, '.local'));
  const kafkaPort = portOf(get('KAFKA_PORT') ?? '9092', 'KAFKA_PORT');
  const controllerPort = portOf(get('KAFKA_CONTROLLER_PORT') ?? '9093', 'KAFKA_CONTROLLER_PORT');
  const mongoPort = portOf(get('MONGO_PORT') ?? '27017', 'MONGO_PORT');
  const brokerCount = Number(get('KAFKA_LOCAL_BROKERS') ?? '1');
  if (!BROKER_COUNTS.includes(brokerCount))
    throw new Error(`KAFKA_LOCAL_BROKERS: 1, 3 or 5 (got "${get('KAFKA_LOCAL_BROKERS')}")`);
  // Node i listens on the first ports + 2(i-1): 9092/9093, 9094/9095, 9096/9097 by default.
  const kafkaPorts = Array.from({ length: brokerCount }, (_, i) => portOf(String(kafkaPort + 2 * i), 'KAFKA_PORT'));
  const controllerPorts = Array.from({ length: brokerCount }, (_, i) =>
    portOf(String(controllerPort + 2 * i), 'KAFKA_CONTROLLER_PORT'),
  );
  const brokers = (get('KAFKA_BROKERS') ?? kafkaPorts.map((p) => `127.0.0.1:${p}`).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const mongoUrl = get('MONGO_URL') ?? `mongodb://127.0.0.1:${mongoPort}/indicator-watch`;
  const partitions = Number(get('KAFKA_PARTITIONS') ?? '6');
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new Error(`KAFKA_PARTITIONS: not a positive integer (got "${get('KAFKA_PARTITIONS')}")`);
  return {
    root: ROOT,
    localDir,
    dirs: {
      kafka: path.join(localDir, 'kafka'),
      ferretdb: path.join(localDir, 'ferretdb'),
      data: path.join(localDir, 'data'),
      logs: path.join(localDir, 'logs'),
      run: path.join(localDir, 'run'),
    },
    kafkaPort,
    controllerPort,
    brokerCount,
    kafkaPorts,
    controllerPorts,
    replicationFactor: countOf(get('KAFKA_REPLICATION_FACTOR'), 'KAFKA_REPLICATION_FACTOR', 32),
    minInsyncReplicas: countOf(get('KAFKA_MIN_INSYNC_REPLICAS'), 'KAFKA_MIN_INSYNC_REPLICAS', 32),
    mongoPort,
    // Three brokers on a small machine: less heap each.
    kafkaHeap: get('KAFKA_HEAP') ?? (brokerCount > 1 ? '-Xmx512m' : '-Xmx768m'),
    brokers,
    mongoUrl,
    manageKafka: managesKafka(brokers, kafkaPorts),
    manageMongo: isLocalMongo(mongoUrl, mongoPort),
    topicPrefix: get('KAFKA_TOPIC_PREFIX') ?? '',
    partitions,
    env,
  };
}

/**
 * Kafka is ours to start when the apps' brokers are our local nodes: all of them, or the first
 * one alone (a bootstrap address; the client learns the others from it).
 * @param {string[]} brokers @param {number[]} ports
 */
function managesKafka(brokers, ports) {
  if (brokers.length === 1) return isLocal(brokers[0], ports[0]);
  return brokers.length === ports.length && brokers.every((b, i) => isLocal(b, ports[i]));
}

/** @param {string} hostPort @param {number} port */
function isLocal(hostPort, port) {
  const m = /^(.*):(\d+)$/.exec(hostPort);
  return !!m && LOOPBACK.includes(m[1]) && Number(m[2]) === port;
}

/** A mongodb:// URL on loopback at our port, with no replica set or SRV lookup. */
function isLocalMongo(/** @type {string} */ url, /** @type {number} */ port) {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^/?,]+)(?:[/?]|$)/.exec(url);
  if (!m) return false;
  const host = /:\d+$/.test(m[1]) ? m[1] : `${m[1]}:27017`;
  return isLocal(host, port);
}

module.exports = { ROOT, VERSIONS, BROKER_COUNTS, loadSettings, readDotEnv, isLocal, isLocalMongo };
