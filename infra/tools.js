// @ts-check
'use strict';
// The machine's toolchains the infra needs, checked up front so a missing one is one clear line.

const { spawnSync } = require('node:child_process');
const { InfraError } = require('./proc');

/**
 * Runs `command args` and returns its combined output, or throws "X not found — install it".
 * @param {string} command
 * @param {string[]} args
 * @param {string} hint
 */
function probe(command, args, hint) {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new InfraError(`${command} not found or not working`, hint);
  return `${r.stdout}${r.stderr}`;
}

/** @param {string} text @param {RegExp} re @returns {number[]} */
function versionIn(text, re) {
  const m = re.exec(text);
  return m ? m.slice(1).map((x) => Number(x ?? 0)) : [];
}

/** @param {number[]} have @param {number[]} want */
function atLeast(have, want) {
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i];
  }
  return true;
}

function requireJava() {
  const out = probe('java', ['-version'], 'install Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless)');
  const v = versionIn(out, /version "(\d+)(?:\.(\d+))?/);
  if (!atLeast(v, [17]))
    throw new InfraError(`Java ${v.join('.')} is too old for Kafka 3.9 here`, 'install Java 17 or newer');
}

function requireMaven() {
  probe('mvn', ['-v'], 'install Maven 3 (e.g. apt-get install maven) to fetch the Kafka jars');
}

function requireGo() {
  const out = probe('go', ['version'], 'install Go 1.24 or newer (https://go.dev/dl) to build FerretDB');
  const v = versionIn(out, /go(\d+)\.(\d+)/);
  if (!atLeast(v, [1, 24]))
    throw new InfraError(`Go ${v.join('.')} is too old to build FerretDB 1.24`, 'install Go 1.24 or newer');
}

module.exports = { requireJava, requireMaven, requireGo, atLeast, versionIn };
