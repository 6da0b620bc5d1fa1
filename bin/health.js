#!/usr/bin/env node
'use strict';
// A container health check without curl: exit 0 when the URL answers 2xx within 5 s, else 1.
//   node bin/health.js http://127.0.0.1:3000/health/ready
const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node bin/health.js <url>\n');
  process.exit(2);
}
fetch(url, { signal: AbortSignal.timeout(5000) }).then(
  (res) => {
    if (!res.ok) process.stderr.write(`${url}: ${res.status}\n`);
    process.exit(res.ok ? 0 : 1);
  },
  (e) => {
    process.stderr.write(`${url}: ${e.message}\n`);
    process.exit(1);
  },
);
