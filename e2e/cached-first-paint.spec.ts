// Issue 12, point 3: the first screen a phone paints is the cached one. Signed in, the app paints
// Conversations (and an open conversation) from this device's copy while every API request hangs;
// a session the server no longer knows still ends on the sign-in page.
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { apiAs, apiChat, createAgent, createQueue, uid } from './api'
import { rowOf, signIn } from './helpers'

const thread = (page: Page) => page.getByRole('log', { name: 'Messages' })

/** Every /api request from the page and its service worker waits for ever; answers what was asked. */
async function hangApi(context: BrowserContext): Promise<string[]> {
  const asked: string[] = []
  await context.route('**/api/**', (route) => {
    asked.push(new URL(route.request().url()).pathname)
    // Never answered: the paint must not depend on it.
  })
  await context.routeWebSocket('**/api/ws', () => undefined)
  return asked
}

/** The copy this device keeps of a conversation's messages (read straight from IndexedDB). */
function cachedTexts(page: Page, conversationId: string) {
  return page.evaluate(
    (id) =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('parley')
        open.onsuccess = () => {
          const req = open.result.transaction('messages').objectStore('messages').getAll(IDBKeyRange.bound([id, -Infinity], [id, Infinity]))
          req.onsuccess = () => {
            resolve((req.result as { text: string }[]).map((m) => m.text))
            open.result.close()
          }
        }
        open.onerror = () => resolve([])
      }),
    conversationId,
  )
}

test('Conversations and an open conversation paint from the cache while the API hangs; a 401 still leads to sign-in', async ({ page, context }) => {
  const admin = await apiAs()
  const username = `cached${uid()}`
  const agent = await createAgent(admin, username)
  const address = `cached-${uid()}`
  await createQueue(admin, 'Cached desk', address, 'picklist', [agent.id])
  const chat = await apiChat(`Ines ${uid()}`, { address })
  const agentApi = await apiAs(username, 'agent-pass-1')
  expect((await agentApi.post(`/api/conversations/${chat.id}/pick`, { data: {} })).ok()).toBe(true)
  await chat.say('Is my order on its way?')
  const name = (await (await agentApi.get(`/api/conversations/${chat.id}`)).json()).conversation.customer.name as string

  // A first visit fills this device's copy (the lists, then the latest messages of my chats).
  await signIn(page, { username, password: 'agent-pass-1' })
  await expect(rowOf(page, name)).toContainText('Is my order on its way?')
  await expect.poll(() => cachedTexts(page, chat.id)).toContain('Is my order on its way?')

  const asked = await hangApi(context)
  await page.reload()
  const row = rowOf(page, name)
  await expect(row).toBeVisible()
  await expect(row).toContainText('Is my order on its way?')
  await expect(page.getByRole('heading', { level: 1, name: 'Conversations' })).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: 'Loading…' })).toHaveCount(0)
  // All of it while the session check and the list were asked and never answered.
  expect(asked).toContain('/api/auth/me')
  expect(asked).toContain('/api/conversations')

  // The same for an open conversation: its header and thread from the cache.
  await page.goto(`/conversations/${chat.id}`)
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await expect(thread(page)).toContainText('Is my order on its way?')

  // The session is gone on the server: the check's 401 leads to the sign-in page.
  await context.unrouteAll({ behavior: 'ignoreErrors' })
  await context.clearCookies()
  await page.goto('/conversations')
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
})
