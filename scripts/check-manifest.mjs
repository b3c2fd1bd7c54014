// After a build: the web app manifest is in the output, linked from index.html, has what an
// installable app needs (issue 5), and every image it names (icons, screenshots, shortcut icons) is
// in the output as a PNG of the size it claims. `node scripts/check-manifest.mjs [outDir]` (default dist).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const outDir = process.argv[2] ?? 'dist'
const problems = []
const fail = (msg) => problems.push(msg)

const manifestFile = join(outDir, 'manifest.webmanifest')
if (!existsSync(manifestFile)) {
  console.error(`${manifestFile} is missing: the build did not emit the manifest.`)
  process.exit(1)
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'))

const html = readFileSync(join(outDir, 'index.html'), 'utf8')
if (!/<link[^>]+rel="manifest"[^>]+href="\/manifest\.webmanifest"/.test(html)) fail('index.html does not link /manifest.webmanifest')

for (const key of ['id', 'name', 'short_name', 'start_url', 'scope', 'theme_color', 'background_color']) {
  if (typeof manifest[key] !== 'string' || !manifest[key]) fail(`"${key}" is missing`)
}
if (manifest.display !== 'standalone') fail(`"display" is ${JSON.stringify(manifest.display)}, not "standalone"`)
if (manifest.start_url && manifest.scope && !manifest.start_url.startsWith(manifest.scope)) fail('"start_url" is outside "scope"')

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
function pngSize(buf) {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (buf.length < 24 || sig.some((b, i) => buf[i] !== b) || buf.toString('ascii', 12, 16) !== 'IHDR') return null
  return `${buf.readUInt32BE(16)}x${buf.readUInt32BE(20)}`
}

/** The image is in the output, is the type it claims, and has one of the sizes it claims. */
function checkImage(image, where) {
  if (!image?.src) return fail(`${where}: no "src"`)
  const file = join(outDir, image.src.replace(/^\//, ''))
  if (!existsSync(file)) return fail(`${where}: ${image.src} is not in ${outDir}/`)
  if (image.type && image.type !== 'image/png') return fail(`${where}: ${image.src} is ${image.type}; only PNG is checked here`)
  const size = pngSize(readFileSync(file))
  if (!size) return fail(`${where}: ${image.src} is not a PNG`)
  const claimed = String(image.sizes ?? '').split(/\s+/).filter(Boolean)
  if (!claimed.includes(size)) fail(`${where}: ${image.src} is ${size}, the manifest says ${image.sizes}`)
}

const icons = manifest.icons ?? []
icons.forEach((icon, i) => checkImage(icon, `icons[${i}]`))
const purposes = (icon) => String(icon.purpose ?? 'any').split(/\s+/)
for (const size of ['192x192', '512x512']) {
  if (!icons.some((icon) => String(icon.sizes).split(/\s+/).includes(size) && purposes(icon).includes('any'))) fail(`no ${size} icon for "any" purpose`)
}
if (!icons.some((icon) => purposes(icon).includes('maskable'))) fail('no maskable icon')

const screenshots = manifest.screenshots ?? []
screenshots.forEach((shot, i) => checkImage(shot, `screenshots[${i}]`))
for (const form of ['narrow', 'wide']) if (!screenshots.some((s) => s.form_factor === form)) fail(`no ${form} screenshot`)

const shortcuts = manifest.shortcuts ?? []
for (const name of ['Conversations', 'Picklist']) if (!shortcuts.some((s) => s.name === name && s.url)) fail(`no shortcut to ${name}`)
shortcuts.forEach((s, i) => (s.icons ?? []).forEach((icon, j) => checkImage(icon, `shortcuts[${i}].icons[${j}]`)))

if (problems.length) {
  console.error(`The web app manifest in ${outDir}/ has problems:\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
const images = icons.length + screenshots.length + shortcuts.reduce((n, s) => n + (s.icons?.length ?? 0), 0)
console.log(`Manifest: ${manifest.name}, ${images} images (${icons.length} icons, ${screenshots.length} screenshots) all in ${outDir}/ at their stated sizes`)
