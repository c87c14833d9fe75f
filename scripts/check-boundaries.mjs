// Import-boundary check (DESIGN.md "Layers"): fails when a module imports across a forbidden line.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
// layer -> layers (folders under src/) it may import from
const allowed = {
  core: ['core'],
  node: ['core', 'node'],
  // the observation model every source emits (events, snapshots, the projector, the playback protocol)
  observe: ['core', 'observe'],
  // the classroom session projects the simulator's nodes into the observation model
  sim: ['core', 'node', 'sim', 'observe'],
  // the classroom's worker drives the simulator in the browser and speaks the observe protocol
  'platform/browser': ['core', 'node', 'sim', 'observe', 'platform/browser', 'platform/shared'],
  'platform/node': ['core', 'node', 'platform/node', 'platform/shared'],
  'platform/shared': ['core', 'node', 'platform/shared'],
  ui: ['core', 'observe', 'ui'],
  cli: ['core', 'node', 'sim', 'observe', 'platform/node', 'platform/shared', 'cli'],
};
// Views see the engine only through the observation model (src/observe) that every source emits;
// from core only the scenario (what the classroom runs and shares in a link).
const uiMayImportFromCore = ['core/scenario.ts'];
// The app's entry alone may load the browser's live node (issue 13, join by URL) and the WAL
// debugger's worker (issue 14): it hands each runtime to the views (store.startLive,
// wal/debugger.startWalDebugger), which see it only as a Source of the observe protocol.
const entryMayImport = { 'ui/main.tsx': ['platform/browser/live-page.ts', 'platform/browser/wal-page.ts'] };
// Pure libraries the core may use (everything else, e.g. node:*, is refused there).
const corePackages = [/^@noble\//, /^@bufbuild\/protobuf/];

const layerOf = (file) => {
  const rel = relative(src, file).split('/');
  const two = rel.slice(0, 2).join('/');
  return allowed[two] ? two : rel[0];
};

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|tsx)$/.test(name)) files.push(p);
  }
};
walk(src);

const problems = [];
for (const file of files) {
  const layer = layerOf(file);
  const text = readFileSync(file, 'utf8');
  // The engine's live state stays inside the node loop: others, tests included, read copies.
  if (layer !== 'node' && layer !== 'core' && /\bliveRoundState\s*\(/.test(text)) {
    problems.push(`${relative(root, file)}: only src/node may read a node's live RoundState (use getRoundState or getRoundStateSimple)`);
  }
  if (/\.test\.tsx?$/.test(file)) continue; // tests may import across layers
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.')) {
      const target = layerOf(resolve(dirname(file), spec));
      const targetFile = relative(src, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
      if (entryMayImport[relative(src, file)]?.includes(targetFile)) continue;
      if (!(allowed[layer] ?? [layer]).includes(target)) problems.push(`${relative(root, file)}: ${layer} may not import ${target} (${spec})`);
      if (layer === 'ui' && target === 'core' && !uiMayImportFromCore.includes(targetFile)) {
        problems.push(`${relative(root, file)}: views may import from core only ${uiMayImportFromCore.join(', ')} (${spec})`);
      }
    } else if (layer === 'core' && !corePackages.some((re) => re.test(spec))) {
      problems.push(`${relative(root, file)}: core may not import the package ${spec}`);
    }
  }
  if (layer === 'core' && /\b(Date\.now|new Date\(|Math\.random|setTimeout|setInterval|performance\.now)\b/.test(text.replace(/\/\/.*$/gm, ''))) {
    problems.push(`${relative(root, file)}: core uses the clock, timers or randomness`);
  }
}
if (problems.length) {
  console.error(`Import-boundary check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Import boundaries hold (${files.filter((f) => !/\.test\.tsx?$/.test(f)).length} files; ${files.length} checked for live-state reads).`);
