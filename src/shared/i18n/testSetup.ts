// Vitest: every test file starts with the English messages, as the app does before its first
// paint, so code that words things through i18n reads as in the app. The JSON is read as text
// (Node's build of petite-vue-i18n compiles it), not through the build's precompiled chunk.
import { readFileSync } from 'node:fs'
import { i18n } from './index'

i18n.global.setLocaleMessage('en', JSON.parse(readFileSync(new URL('./locales/en.json', import.meta.url), 'utf8')))
i18n.global.locale.value = 'en'
