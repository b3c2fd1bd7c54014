import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from '@/app/App.vue'
import { createAppRouter } from '@/app/router'
import { registerServiceWorker } from '@/features/install/register'
import '@/shared/styles/base.css'

const app = createApp(App)
app.use(createPinia())
app.use(createAppRouter())
app.mount('#app')

if (import.meta.env.PROD) registerServiceWorker()
