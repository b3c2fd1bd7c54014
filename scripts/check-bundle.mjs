// The agent's first load: the entry chunk, everything it imports statically, and the chunks of the
// first screen (the agent layout and the Conversations list) with their static imports — gzip sizes
// from the build's manifest. Fails when the JavaScript is over the budget (bundle sizes are stable,
// unlike timings). `--json` prints the figures for the benchmarks.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const BUDGET_JS = 100 * 1024
const manifest = JSON.parse(readFileSync('dist/.vite/manifest.json', 'utf8'))
const gz = (file) => gzipSync(readFileSync(`dist/${file}`), { level: 9 }).length

function collect(keys) {
  const seen = new Set()
  const files = new Set()
  const visit = (key) => {
    if (seen.has(key)) return
    seen.add(key)
    const chunk = manifest[key]
    if (!chunk) throw new Error(`no chunk ${key} in the manifest`)
    files.add(chunk.file)
    for (const css of chunk.css ?? []) files.add(css)
    for (const dep of chunk.imports ?? []) visit(dep)
  }
  keys.forEach(visit)
  return [...files]
}

function measure(keys) {
  const files = collect(keys)
  const js = files.filter((f) => f.endsWith('.js')).reduce((n, f) => n + gz(f), 0)
  const css = files.filter((f) => f.endsWith('.css')).reduce((n, f) => n + gz(f), 0)
  return { js, css, files }
}

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)
const agent = measure([entry, 'src/app/layouts/AgentLayout.vue', 'src/pages/conversations/ConversationListPage.vue'])
const customer = measure([entry, 'src/pages/customer-chat/CustomerChatView.vue'])
const kb = (n) => `${(n / 1024).toFixed(1)} KB`

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ agent, customer, budgetJs: BUDGET_JS }))
} else {
  console.log(`Agent first load: JS ${kb(agent.js)} gzip (budget ${kb(BUDGET_JS)}), CSS ${kb(agent.css)} gzip, ${agent.files.length} files`)
  console.log(`Customer page:    JS ${kb(customer.js)} gzip, CSS ${kb(customer.css)} gzip`)
  if (agent.js > BUDGET_JS) {
    console.error(`The agent's first-load JavaScript is ${kb(agent.js)} gzip, over the ${kb(BUDGET_JS)} budget.`)
    process.exit(1)
  }
}
