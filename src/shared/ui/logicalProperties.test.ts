// Right to left (docs/architecture.md, "Languages"): in Arabic the whole layout mirrors because the
// CSS says start and end, not left and right. This scans every style block of src (.vue <style> and
// .css files) and fails on a physical property, so none creeps back in. A line that must stay
// physical says why on the same line: `/* physical-ok: <reason> */` (a safe-area inset is on the
// screen's left whatever the language; `left: 50%` with translateX(-50%) centres both ways).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = new URL('../../', import.meta.url).pathname

const PHYSICAL = [
  /\b(margin|padding|border)-(left|right)\b/,
  /\bborder-(top|bottom)-(left|right)-radius\b/,
  /(^|[\s;{])(left|right)\s*:/,
  /\btext-align\s*:\s*(left|right)\b/,
  /\b(float|clear)\s*:\s*(left|right)\b/,
]
const ALLOWED = /\/\*\s*physical-ok:\s*\S.*\*\//

/** Splits a shorthand's value into its parts, keeping `calc(a + b)` whole. */
function parts(value: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of value.trim()) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (/\s/.test(ch) && depth === 0) {
      if (cur) out.push(cur)
      cur = ''
    } else cur += ch
  }
  if (cur) out.push(cur)
  return out
}

/** Style text of a file: a .css file whole, a .vue file's <style> blocks (other lines blanked, so line numbers hold). */
function styleLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  if (file.endsWith('.css')) return lines
  let inStyle = false
  return lines.map((line) => {
    if (/^<style\b/.test(line)) {
      inStyle = !/<\/style>/.test(line)
      return ''
    }
    if (/^<\/style>/.test(line)) inStyle = false
    return inStyle ? line : ''
  })
}

/** Every physical property in a file's styles, as "path:line: text". */
export function physicalProperties(file: string, root = SRC): string[] {
  const found: string[] = []
  let inComment = false
  styleLines(file).forEach((raw, i) => {
    if (ALLOWED.test(raw)) return
    // Comments are prose, not rules.
    let line = ''
    for (let j = 0; j < raw.length; j++) {
      if (!inComment && raw.startsWith('/*', j)) {
        inComment = true
        j++
      } else if (inComment && raw.startsWith('*/', j)) {
        inComment = false
        j++
      } else if (!inComment) line += raw[j]
    }
    const where = `${relative(root, file)}:${i + 1}: ${raw.trim()}`
    if (PHYSICAL.some((re) => re.test(line))) {
      found.push(where)
      return
    }
    // A four-value margin, padding or inset with different left and right sides.
    const short = /^\s*(margin|padding|inset)\s*:\s*([^;]+);/.exec(line)
    const values = short ? parts(short[2]!) : []
    if (values.length === 4 && values[1] !== values[3]) found.push(where)
  })
  return found
}

function styleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return styleFiles(path)
    return /\.(vue|css)$/.test(entry.name) ? [path] : []
  })
}

describe('logical CSS properties (right to left mirrors)', () => {
  it('no style in src uses left/right where start/end is meant', () => {
    expect(styleFiles(SRC).flatMap((f) => physicalProperties(f))).toEqual([])
  })

  it('finds what it is for, and lets a justified line through', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'logical-'))
    const vue = join(dir, 'X.vue')
    writeFileSync(
      vue,
      [
        '<template><div style="left: 0">margin-left</div></template>',
        '<style scoped>',
        '.a { margin-left: 4px; }',
        '.b {',
        '  padding: 0 8px 0 16px;',
        '  padding: 0 8px;',
        '  /* margin-right: 0 was here */',
        '  left: 50%; /* physical-ok: centred */',
        '  right: 0; /* physical-ok: */',
        '  text-align: right;',
        '  border-bottom-left-radius: 4px;',
        '  inset-inline-start: 0;',
        '}',
        '</style>',
      ].join('\n'),
    )
    expect(physicalProperties(vue, dir).map((f) => f.split(':')[1])).toEqual(['3', '5', '9', '10', '11'])
  })
})
