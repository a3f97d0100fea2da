#!/usr/bin/env node
// Writes debriefd's Grafana dashboards as JSON next to this folder.
//
//   node dashboards/src/generate.mjs            rewrite dashboards/*.json
//   node dashboards/src/generate.mjs --check    exit 1 if a committed file differs
//
// Needs only Node.js (18 or later); no packages, no network.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { render } from './lib.mjs';
import reliabilityTrends from './reliability-trends.mjs';
import debriefFollowThrough from './debrief-follow-through.mjs';

const DASHBOARDS = {
  'reliability-trends.json': reliabilityTrends,
  'debrief-follow-through.json': debriefFollowThrough,
};

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, dashboard] of Object.entries(DASHBOARDS)) {
  const path = join(outDir, file);
  const text = render(dashboard);
  if (!check) {
    writeFileSync(path, text);
    continue;
  }
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // a missing file is stale
  }
  if (committed !== text) {
    console.error(`${path} is not what dashboards/src generates: run node dashboards/src/generate.mjs`);
    stale += 1;
  }
}
if (check && stale === 0) console.log(`${Object.keys(DASHBOARDS).length} dashboards match dashboards/src`);
process.exit(stale === 0 ? 0 : 1);
