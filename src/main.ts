import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from '@/app/App.vue'
import { createAppRouter } from '@/app/router'
import '@/shared/ui/base.css'
import { startTheme } from '@/shared/ui/theme'
import { i18n, initialLocale, setLocale } from '@/shared/i18n'

// Before mount: the first frame has the chosen theme's colours.
startTheme()

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(createAppRouter())
// The interface language's messages (one small chunk) come before the first paint, so no frame
// shows message keys; setLocale falls back to English and never rejects.
void setLocale(initialLocale(location, navigator.languages))
  .catch(() => 'en')
  .then(() => app.mount('#app'))

// The service worker (and the install offer, the update prompt) load beside the first paint, not before it.
if (import.meta.env.PROD) void import('@/features/install/register').then((m) => m.registerServiceWorker())
