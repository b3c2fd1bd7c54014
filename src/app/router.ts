import { watch } from 'vue'
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { i18n } from '@/shared/i18n'
import { useSessionStore } from '@/entities/user/store'
import { safeRedirect } from '@/shared/utils/redirect'

declare module 'vue-router' {
  interface RouteMeta {
    /** Agent pages: a signed-in user is needed. */
    requiresAuth?: boolean
    /** Admin pages. */
    requiresAdmin?: boolean
    /** Only for signed-out visitors (the sign-in page). */
    guestOnly?: boolean
    /**
     * The page paints its offline copy first and calls `markFirstPaint()` when it has (the agent
     * runtime starts the socket, outbox drain and push after that). Other pages: right after mount.
     */
    paintsFromCache?: boolean
    /** The page's name in the tab and history: a key under `app.title` (translated when shown). */
    title?: TitleKey
  }
}

/** Page names (`app.title.*` in the locale files). */
export type TitleKey = 'signIn' | 'conversations' | 'picklist' | 'history' | 'settings' | 'conversation' | 'agents' | 'queues' | 'devices' | 'files' | 'allOpen' | 'canned' | 'chat'

const ListPage = () => import('@/pages/conversations/ConversationListPage.vue')

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/conversations' },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/pages/auth/LoginPage.vue'),
    meta: { guestOnly: true, title: 'signIn' },
  },
  {
    path: '/',
    component: () => import('@/app/layouts/AgentLayout.vue'),
    meta: { requiresAuth: true },
    children: [
      { path: 'conversations', name: 'conversations', component: ListPage, props: { view: 'conversations' }, meta: { title: 'conversations', paintsFromCache: true } },
      { path: 'picklist', name: 'picklist', component: ListPage, props: { view: 'picklist' }, meta: { title: 'picklist', paintsFromCache: true } },
      { path: 'history', name: 'history', component: ListPage, props: { view: 'history' }, meta: { title: 'history', paintsFromCache: true } },
      {
        path: 'settings',
        name: 'settings',
        component: () => import('@/pages/settings/SettingsPage.vue'),
        meta: { title: 'settings' },
      },
      {
        path: 'conversations/:id',
        name: 'conversation',
        component: () => import('@/pages/conversation/ChatPage.vue'),
        props: true,
        meta: { title: 'conversation', paintsFromCache: true },
      },
    ],
  },
  {
    // The admin area: its own lazy chunk, inside the agent shell, for admins only.
    path: '/admin',
    component: () => import('@/app/layouts/AgentLayout.vue'),
    meta: { requiresAuth: true, requiresAdmin: true },
    children: [
      {
        path: '',
        component: () => import('@/pages/admin/AdminView.vue'),
        children: [
          { path: '', redirect: '/admin/agents' },
          { path: 'agents', name: 'admin-agents', component: () => import('@/pages/admin/AdminAgentsView.vue'), meta: { title: 'agents' } },
          { path: 'queues', name: 'admin-queues', component: () => import('@/pages/admin/AdminQueuesView.vue'), meta: { title: 'queues' } },
          { path: 'devices', name: 'admin-devices', component: () => import('@/pages/admin/AdminDevicesView.vue'), meta: { title: 'devices' } },
          { path: 'open', name: 'admin-open', component: () => import('@/pages/admin/AdminOpenView.vue'), meta: { title: 'allOpen' } },
          { path: 'canned', name: 'admin-canned', component: () => import('@/pages/admin/AdminCannedView.vue'), meta: { title: 'canned' } },
          { path: 'files', name: 'admin-files', component: () => import('@/pages/admin/AdminFilesView.vue'), meta: { title: 'files' } },
        ],
      },
    ],
  },
  {
    // The customer's chat page: its own chunk, none of the agent's stores.
    path: '/chat/:address',
    name: 'customer-chat',
    component: () => import('@/pages/customer-chat/CustomerChatView.vue'),
    meta: { title: 'chat' },
  },
  { path: '/:pathMatch(.*)*', redirect: '/conversations' },
]

/** Starts loading the lazy components of a route (the router loads them again from the module cache). */
function preload(to: RouteLocationNormalized): void {
  for (const record of to.matched) {
    for (const component of Object.values(record.components ?? {})) {
      if (typeof component === 'function' && component.length === 0) void (component as () => Promise<unknown>)()?.catch?.(() => undefined)
    }
  }
}

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })

  router.beforeEach(async (to) => {
    const needsAuth = to.matched.some((r) => r.meta.requiresAuth)
    const guestOnly = to.matched.some((r) => r.meta.guestOnly)
    if (!needsAuth && !guestOnly) return true
    // The page's code loads while the session is checked, not after.
    if (needsAuth) preload(to)
    const session = useSessionStore()
    // An agent page with a user remembered here does not wait for the server (a 401 still leads to
    // sign-in); the sign-in page does, so it never flashes past an expired session.
    const user = await session.ensureChecked({ wait: !needsAuth })
    if (needsAuth && !user) return { path: '/login', query: to.fullPath === '/conversations' ? {} : { redirect: to.fullPath } }
    if (guestOnly && user) return safeRedirect(to.query.redirect)
    if (to.matched.some((r) => r.meta.requiresAdmin) && user?.role !== 'admin') return '/conversations'
    return true
  })

  const setTitle = (to: RouteLocationNormalized) => {
    const title = to.meta.title
    document.title = title ? i18n.global.t('app.pageTitle', { page: i18n.global.t(`app.title.${title}`) }) : i18n.global.t('app.name')
  }
  router.afterEach(setTitle)
  // A new interface language renames the open page at once.
  watch(i18n.global.locale, () => setTitle(router.currentRoute.value))

  return router
}
