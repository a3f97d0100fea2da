// Turns each dashboard JSON file into a TypeScript module that tsc checks against
// Grafana's schema. A JSON import would not do: TypeScript widens every string of
// an imported JSON file to `string` and skips excess-property checks, so the JSON is
// pasted in as an object literal instead, where "absolute" stays "absolute" and a
// misspelt field is an error.
//
//   node generate-checks.mjs OUT_DIR DASHBOARD.json...   writes OUT_DIR/<name>.ts
// OUT_DIR must be a direct subfolder of this one (the modules import ../json-of.js).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) {
  console.error('usage: node generate-checks.mjs OUT_DIR DASHBOARD.json...');
  process.exit(2);
}
for (const file of files) {
  let literal;
  try {
    literal = JSON.stringify(JSON.parse(readFileSync(file, 'utf8')), null, 2);
  } catch (e) {
    console.error(`${file}: not valid JSON: ${e.message}`);
    process.exit(1);
  }
  const name = basename(file, '.json');
  writeFileSync(
    join(outDir, `${name}.ts`),
    `// Generated from ${basename(file)} by generate-checks.mjs; do not edit.
import type { Dashboard } from '@grafana/schema';
import type { JsonOf } from '../json-of.js';
import type { KnownPanelsDashboard } from '../panels.js';

// Grafana's own Dashboard type.
export const dashboard = ${literal} satisfies JsonOf<Dashboard>;

// The same JSON against the option types of the panel plugins it uses.
export const knownPanels = ${literal} satisfies JsonOf<KnownPanelsDashboard>;
`,
  );
}
