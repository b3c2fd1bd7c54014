import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { User } from '@/kernel/contract'
import { ApiError } from '@/kernel/http/errors'

const me = vi.hoisted(() => ({ answer: null as null | { resolve: (u: User) => void; reject: (e: unknown) => void } }))
vi.mock('./api', () => ({
  // GET /api/auth/me answers only when the test says so.
  fetchMe: vi.fn(() => new Promise<User>((resolve, reject) => (me.answer = { resolve, reject }))),
  login: vi.fn(),
  logout: vi.fn(),
  updateMe: vi.fn(),
}))

const storage = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => void storage.set(k, v),
  removeItem: (k: string) => void storage.delete(k),
})

const { useSessionStore } = await import('./store')

const agent: User = { id: 'u1', username: 'dana', displayName: 'Dana', role: 'agent', presence: 'available', maxConcurrent: 5, active: true, notifyMessages: true }

/** Lets the store's promise chain reach the fetch. */
const settle = () => new Promise((r) => setTimeout(r, 0))

beforeEach(() => {
  setActivePinia(createPinia())
  storage.clear()
  me.answer = null
})

describe('the session check at start', () => {
  it('with a user remembered here, an agent page gets that user at once while the server is asked', async () => {
    storage.set('parley.lastUser', JSON.stringify(agent))
    const session = useSessionStore()
    await expect(session.ensureChecked({ wait: false })).resolves.toMatchObject({ id: 'u1' })
    expect(session.verified).toBe(false)
    await settle()
    expect(me.answer).not.toBeNull()
  })

  it('a 401 from that check still signs the agent out (the layout then goes to sign-in)', async () => {
    storage.set('parley.lastUser', JSON.stringify(agent))
    const session = useSessionStore()
    await session.ensureChecked({ wait: false })
    await settle()
    me.answer!.reject(new ApiError(401, 'unauthorized', 'Sign in'))
    await settle()
    expect(session.user).toBeNull()
    expect(session.verified).toBe(true)
    expect(storage.has('parley.lastUser')).toBe(false)
  })

  it('no network keeps the remembered user', async () => {
    storage.set('parley.lastUser', JSON.stringify(agent))
    const session = useSessionStore()
    await session.ensureChecked({ wait: false })
    await settle()
    me.answer!.reject(new ApiError(0, 'network', 'offline'))
    await settle()
    expect(session.user?.id).toBe('u1')
  })

  it('without a remembered user, or for the sign-in page, it waits for the server', async () => {
    storage.set('parley.lastUser', JSON.stringify(agent))
    const session = useSessionStore()
    let done = false
    const check = session.ensureChecked().then((u) => ((done = true), u))
    await settle()
    expect(done).toBe(false)
    me.answer!.resolve({ ...agent, displayName: 'Dana K.' })
    await expect(check).resolves.toMatchObject({ displayName: 'Dana K.' })

    setActivePinia(createPinia())
    storage.clear()
    const fresh = useSessionStore()
    let answered = false
    void fresh.ensureChecked({ wait: false }).then(() => (answered = true))
    await settle()
    expect(answered).toBe(false)
  })
})
