import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ServerEvent, ServerFrame } from '../contract'
import { RealtimeSocket } from './socket'

/** A WebSocket the test drives: `deliver` hands it frames as the server would, one task each. */
class FakeWebSocket {
  static OPEN = 1
  readyState = 1
  onopen: (() => void) | null = null
  onmessage: ((ev: { data: string }) => void) | null = null
  onclose: ((ev: { code: number }) => void) | null = null
  onerror: (() => void) | null = null
  sent: string[] = []
  send(data: string) { this.sent.push(data) }
  close() { this.readyState = 3 }
  deliver(frame: ServerFrame) { this.onmessage?.({ data: JSON.stringify(frame) }) }
}

const event = (id: number): ServerFrame => ({ type: 'event', event: { id, type: 'typing', conversationId: 'c1', createdAt: id, data: {} } as unknown as ServerEvent })
const nextTask = () => new Promise((r) => setTimeout(r, 0))

describe('RealtimeSocket: frames', () => {
  const sockets: RealtimeSocket[] = []
  afterEach(() => {
    for (const s of sockets.splice(0)) s.stop()
    vi.unstubAllGlobals()
  })

  async function open(opts: ConstructorParameters<typeof RealtimeSocket>[0]) {
    vi.stubGlobal('WebSocket', FakeWebSocket)
    vi.stubGlobal('location', { protocol: 'http:', host: 'parley.test' })
    let ws!: FakeWebSocket
    const socket = new RealtimeSocket({ ...opts, createSocket: () => (ws = new FakeWebSocket()) as unknown as WebSocket })
    sockets.push(socket)
    socket.start()
    await nextTask()
    ws.onopen?.()
    return ws
  }

  it('a burst is handled together, in order, after the frames arrived; the cursor is saved for the last', async () => {
    const seen: number[] = []
    const saved: number[] = []
    let releaseSave!: () => void
    const ws = await open({
      onEvent: (e) => seen.push(e.id),
      cursorStore: { load: async () => undefined, save: (c) => { saved.push(c); return new Promise<void>((r) => (releaseSave = r)) } },
    })
    for (const id of [1, 2, 3]) ws.deliver(event(id))
    expect(seen).toEqual([])
    await nextTask()
    expect(seen).toEqual([1, 2, 3])
    // More frames while the first save is in flight: one more save, of the newest cursor.
    for (const id of [4, 5, 6]) ws.deliver(event(id))
    await nextTask()
    releaseSave()
    await nextTask()
    releaseSave()
    await nextTask()
    expect(seen).toEqual([1, 2, 3, 4, 5, 6])
    expect(saved).toEqual([1, 6])
  })

  it('a handler that throws does not drop the frames after it', async () => {
    const seen: number[] = []
    const errors: unknown[] = []
    const ws = await open({
      onEvent: (e) => {
        if (e.id === 2) throw new Error('bad handler')
        seen.push(e.id)
      },
    })
    const realSetTimeout = globalThis.setTimeout
    vi.stubGlobal('setTimeout', (fn: () => void, ms?: number) => realSetTimeout(() => { try { fn() } catch (e) { errors.push(e) } }, ms))
    for (const id of [1, 2, 3]) ws.deliver(event(id))
    await new Promise((r) => realSetTimeout(r, 5))
    expect(seen).toEqual([1, 3])
    expect(errors).toMatchObject([{ message: 'bad handler' }])
  })
})
