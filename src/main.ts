import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from '@/app/App.vue'
import { createAppRouter } from '@/app/router'
import { registerServiceWorker } from '@/features/install/register'
import '@/shared/ui/base.css'
import { startTheme } from '@/shared/ui/theme'

// Before mount: the first frame has the chosen theme's colours.
startTheme()

const app = createApp(App)
app.use(createPinia())
app.use(createAppRouter())
app.mount('#app')

if (import.meta.env.PROD) registerServiceWorker()
