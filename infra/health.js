// @ts-check
'use strict';
// "Really answers": a kafkajs admin call for Kafka, a `ping` command for the MongoDB server.

const { Kafka, logLevel } = require('kafkajs');
const mongoose = require('mongoose');
const { sleep } = require('./proc');

/**
 * @param {string[]} brokers
 * @param {number} [atLeast] brokers the cluster must show (a cluster answers once all have joined)
 * @returns {Promise<boolean>}
 */
async function kafkaAnswers(brokers, atLeast = 1) {
  const kafka = new Kafka({
    clientId: 'iw-infra-health',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length >= atLeast && cluster.controller !== null && cluster.controller !== undefined;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * @param {string} url
 * @returns {Promise<boolean>}
 */
async function mongoAnswers(url) {
  const conn = mongoose.createConnection(url, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await conn.asPromise();
    const db = conn.db;
    if (!db) return false;
    const res = await db.admin().ping();
    return res?.ok === 1;
  } catch {
    return false;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/**
 * Polls `check` until it answers true, `gaveUp()` says the process died, or the time is up.
 * @param {() => Promise<boolean>} check
 * @param {{timeoutMs: number, intervalMs?: number, gaveUp?: () => boolean}} o
 * @returns {Promise<'up' | 'died' | 'timeout'>}
 */
async function waitUntil(check, o) {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (await check()) return 'up';
    if (o.gaveUp?.()) return 'died';
    if (Date.now() >= deadline) return 'timeout';
    await sleep(o.intervalMs ?? 300);
  }
}

module.exports = { kafkaAnswers, mongoAnswers, waitUntil };
