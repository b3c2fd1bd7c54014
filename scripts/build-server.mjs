// `npm run build:server`: the server as production runs it (`node server/dist/main.js`).
// 1. Type-checks the server (tsc, as the build always did).
// 2. Bundles server/src into server/dist with esbuild: main.js, the image worker (imageWork.js, a
//    second entry: piscina loads it by file) and chunks for what main.ts imports only when needed
//    (the PostgreSQL bus, @fastify/static). One file instead of ~750 cuts the start by the module
//    loading it no longer does (issue 12, start-up; docs/architecture.md, "Start-up").
// Packages stay in node_modules when they are native (better-sqlite3, sharp), start their own
// workers from files (piscina), or are loaded only on first use anyway (pg, web-push, heic-convert,
// file-type, music-metadata; Ajv and fast-json-stringify through plugins/lazySchemas.ts).
// Every output file sits directly in server/dist, so paths relative to import.meta.url
// (./imageWork.js, the locale files) are the same from every chunk.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'server', 'dist')

execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'server/tsconfig.build.json'], { cwd: root, stdio: 'inherit' })

rmSync(out, { recursive: true, force: true })
await build({
  absWorkingDir: root,
  entryPoints: { main: 'server/src/main.ts', imageWork: 'server/src/services/imageWork.ts' },
  outdir: out,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  minifyWhitespace: true,
  external: [
    'better-sqlite3', 'sharp', 'piscina', 'pg', 'web-push', 'heic-convert', 'file-type', 'music-metadata',
    // Required on the first compile (plugins/lazySchemas.ts, services/frames.ts), never at start:
    // bundled they would only be parsed at start and never run (~330 KB).
    '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'ajv', 'fast-json-stringify',
  ],
  // Bundled CommonJS packages call require() for Node's own modules: give ESM output a real one.
  banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
  logLevel: 'warning',
})
