import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
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
    title?: string
  }
}

const ListPage = () => import('@/pages/conversations/ConversationListPage.vue')

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/conversations' },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/pages/auth/LoginPage.vue'),
    meta: { guestOnly: true, title: 'Sign in' },
  },
  {
    path: '/',
    component: () => import('@/app/layouts/AgentLayout.vue'),
    meta: { requiresAuth: true },
    children: [
      { path: 'conversations', name: 'conversations', component: ListPage, props: { view: 'conversations' }, meta: { title: 'Conversations', paintsFromCache: true } },
      { path: 'picklist', name: 'picklist', component: ListPage, props: { view: 'picklist' }, meta: { title: 'Picklist', paintsFromCache: true } },
      { path: 'history', name: 'history', component: ListPage, props: { view: 'history' }, meta: { title: 'History', paintsFromCache: true } },
      {
        path: 'settings',
        name: 'settings',
        component: () => import('@/pages/settings/SettingsPage.vue'),
        meta: { title: 'Settings' },
      },
      {
        path: 'conversations/:id',
        name: 'conversation',
        component: () => import('@/pages/conversation/ChatPage.vue'),
        props: true,
        meta: { title: 'Conversation', paintsFromCache: true },
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
          { path: 'agents', name: 'admin-agents', component: () => import('@/pages/admin/AdminAgentsView.vue'), meta: { title: 'Agents' } },
          { path: 'queues', name: 'admin-queues', component: () => import('@/pages/admin/AdminQueuesView.vue'), meta: { title: 'Queues' } },
          { path: 'devices', name: 'admin-devices', component: () => import('@/pages/admin/AdminDevicesView.vue'), meta: { title: 'Devices' } },
          { path: 'files', name: 'admin-files', component: () => import('@/pages/admin/AdminFilesView.vue'), meta: { title: 'File Type Settings' } },
        ],
      },
    ],
  },
  {
    // The customer's chat page: its own chunk, none of the agent's stores.
    path: '/chat/:address',
    name: 'customer-chat',
    component: () => import('@/pages/customer-chat/CustomerChatView.vue'),
    meta: { title: 'Chat' },
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

  router.afterEach((to) => {
    const title = to.meta.title
    document.title = title ? `${title} · Parley` : 'Parley'
  })

  return router
}
