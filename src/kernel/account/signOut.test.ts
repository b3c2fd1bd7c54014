import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../http/errors'

// The server as the kernel's client sees it: offline until `online`, then it records the calls.
const server = vi.hoisted(() => ({ online: false, calls: [] as string[], sessionGone: false }))
vi.mock('../http/client', () => ({
  apiVoid: async (method: string, path: string) => {
    if (!server.online) throw new ApiError(0, 'network', 'Failed to fetch')
    if (server.sessionGone) throw new ApiError(401, 'unauthorized', 'Sign in')
    server.calls.push(`${method} ${path}`)
    if (path === 'auth/logout') server.sessionGone = true
  },
  apiJson: async () => {
    throw new ApiError(0, 'network', 'unused')
  },
}))

const { openParleyDb } = await import('../db')
const signOut = await import('./signOut')
const { PENDING_SIGNOUT_KEY, readPendingSignOut, recordSignOut } = signOut
const { batchSender, httpTransport, sendItem } = await import('../outbox/send')
const completePendingSignOut = (db: Parameters<typeof signOut.completePendingSignOut>[1]) =>
  signOut.completePendingSignOut({ send: (item, ctx) => sendItem(item, httpTransport, ctx), batch: batchSender(httpTransport) }, db)

let n = 0
beforeEach(() => {
  server.online = false
  server.calls = []
  server.sessionGone = false
})

describe('a sign-out made offline', () => {
  it('is kept until the server has it, then removes the push device before ending the session, once', async () => {
    const db = await openParleyDb(`signout-${++n}`)
    const open = async () => db
    expect(await recordSignOut({ at: 1, deviceId: 'dev-1' }, open)).toBe(true)
    expect(await db.get('settings', PENDING_SIGNOUT_KEY)).toMatchObject({ value: { deviceId: 'dev-1' } })

    // Offline: nothing is claimed, the record stays.
    expect(await completePendingSignOut(open)).toBe('pending')
    expect(await readPendingSignOut(open)).toMatchObject({ deviceId: 'dev-1' })
    expect(server.calls).toEqual([])

    server.online = true
    expect(await completePendingSignOut(open)).toBe('done')
    expect(server.calls).toEqual(['DELETE push/devices/dev-1', 'POST auth/logout'])
    expect(await readPendingSignOut(open)).toBeNull()
    // Nothing left to do: no second logout.
    expect(await completePendingSignOut(open)).toBe('none')
    expect(server.calls).toHaveLength(2)
    db.close()
  })

  it('a session the server already ended (401) counts as done', async () => {
    const db = await openParleyDb(`signout-${++n}`)
    const open = async () => db
    await recordSignOut({ at: 2, deviceId: null }, open)
    server.online = true
    server.sessionGone = true
    expect(await completePendingSignOut(open)).toBe('done')
    expect(await readPendingSignOut(open)).toBeNull()
    db.close()
  })
})
