/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { VitePWA } from 'vite-plugin-pwa'

const manifestPath = fileURLToPath(new URL('./manifest.webmanifest', import.meta.url))

/** Emits the hand-written manifest.webmanifest into dist (served at /manifest.webmanifest in dev too). */
function webManifest(): Plugin {
  return {
    name: 'parley-web-manifest',
    configureServer(server) {
      server.middlewares.use('/manifest.webmanifest', (_req, res) => {
        res.setHeader('Content-Type', 'application/manifest+json')
        res.end(readFileSync(manifestPath))
      })
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source: readFileSync(manifestPath, 'utf8') })
    },
  }
}

const isTest = Boolean(process.env.VITEST)
// Where the dev server (and vite preview) send /api: the Fastify server.
const apiTarget = process.env.PARLEY_API ?? 'http://localhost:8080'

export default defineConfig({
  plugins: [
    vue(),
    // Locale files are compiled to functions at build time: the runtime has no message compiler,
    // no legacy API and no global components. petite-vue-i18n (vue-i18n's own small build: t and
    // plurals, no d/n formatting, which Intl does directly) keeps the first load in budget.
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/shared/i18n/locales/**', import.meta.url))],
      module: 'petite-vue-i18n',
      // Tests read the JSON as text (src/shared/i18n/testSetup.ts): they need the compiler. The build's
      // messages are precompiled, so its runtime never compiles one: the compiler (~5 KB gzip) is dropped.
      runtimeOnly: !isTest,
      dropMessageCompiler: !isTest,
      compositionOnly: true,
      fullInstall: false,
      strictMessage: false,
    }),
    ...(isTest
      ? []
      : [
          webManifest(),
          VitePWA({
            strategies: 'injectManifest',
            srcDir: 'src/sw',
            filename: 'sw.ts',
            registerType: 'prompt',
            injectRegister: false,
            manifest: false,
            injectManifest: {
              globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest}'],
              // The manifest's screenshots are for install dialogs, never shown by the app.
              globIgnores: ['screenshots/**'],
            },
            devOptions: { enabled: false },
          }),
        ]),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // dist/.vite/manifest.json: the chunk graph that scripts/check-bundle.mjs measures.
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // The libraries every screen runs on, in one chunk instead of the five the automatic
          // splitting made: one request and one gzip stream (measured: 2–3 KB less on the first load).
          groups: [{ name: 'framework', test: /node_modules[\\/](vue|@vue|pinia|vue-router|petite-vue-i18n|@intlify|ky|idb)[\\/]/ }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, ws: true, changeOrigin: false },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'server/src/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['src/shared/i18n/testSetup.ts'],
    fileParallelism: false,
    testTimeout: 20000,
    hookTimeout: 20000,
  },
})
