import { describe, expect, it } from 'vitest'
import type { Attachment, Message } from '@/kernel/contract'
import { attachmentUrls, fullImageUrl, inlineImageSource, localAttachment, mergeThread, storedAttachment } from './thread'

const msg = (seq: number, clientId: string, authorKind: Message['authorKind'], text: string): Message => ({
  id: `id-${seq}`, conversationId: 'c', seq, clientId, authorKind, authorName: null, text, createdAt: seq * 1000, attachments: [],
})

describe('mergeThread', () => {
  it('shows pending messages after the stored ones and drops them once acknowledged', () => {
    const stored = [msg(1, 'a', 'customer', 'Hello'), msg(2, 'b', 'agent', 'Hi')]
    const pending = [
      { clientId: 'b', text: 'Hi', createdAt: 1500, status: 'pending' as const },
      { clientId: 'c', text: 'How can I help?', createdAt: 3000, status: 'pending' as const },
      { clientId: 'd', text: 'Refused', createdAt: 3500, status: 'failed' as const, error: 'ended' },
    ]
    const items = mergeThread(stored, pending, 'agent')
    expect(items.map((i) => [i.text, i.status])).toEqual([
      ['Hello', null],
      ['Hi', 'sent'],
      ['How can I help?', 'sending'],
      ['Refused', 'failed'],
    ])
  })
})

const photo = (over: Partial<Attachment> = {}): Attachment => ({
  id: 'a1', name: 'cat.png', mime: 'image/png', kind: 'image', size: 2048, width: 640, height: 480, hasThumb: true, hasPreview: false, ...over,
})

describe('attachmentUrls', () => {
  it('points agents at /api/attachments with the variants the file has', () => {
    expect(attachmentUrls(photo())).toEqual({ original: '/api/attachments/a1', thumb: '/api/attachments/a1/thumb', preview: null })
    expect(attachmentUrls(photo({ hasThumb: false, hasPreview: true }))).toEqual({
      original: '/api/attachments/a1', thumb: null, preview: '/api/attachments/a1/preview',
    })
  })

  it('gives customers the signed URLs the server sent, never a token in a URL', () => {
    const urls = { original: '/api/public/attachments/a1?exp=9&sig=s1', thumb: '/api/public/attachments/a1/thumb?exp=9&sig=s2', preview: null, expiresAt: 9000 }
    expect(attachmentUrls(photo({ urls }))).toEqual({ original: urls.original, thumb: urls.thumb, preview: null })
  })
})

describe('inlineImageSource / fullImageUrl', () => {
  it('shows the thumbnail inline and the original full size', () => {
    const a = storedAttachment(photo())
    expect(inlineImageSource(a)).toBe('thumb')
    expect(fullImageUrl(a)).toBe('/api/attachments/a1')
  })

  it('shows a HEIC photo through its JPEG preview, never the HEIC itself', () => {
    const heic = storedAttachment(photo({ name: 'IMG_1.heic', mime: 'image/heic', hasThumb: false, hasPreview: true }))
    expect(inlineImageSource(heic)).toBe('preview')
    expect(fullImageUrl(heic)).toBe('/api/attachments/a1/preview')
    const bare = storedAttachment(photo({ mime: 'image/heic', hasThumb: false, hasPreview: false }))
    expect(inlineImageSource(bare)).toBeNull()
  })

  it('shows a local image from its blob, but not a local HEIC the browser cannot draw', () => {
    const blob = new Blob(['x'], { type: 'image/png' })
    expect(inlineImageSource(localAttachment({ localId: 'l', name: 'a.png', type: 'image/png', size: 1, blob }))).toBe('blob')
    expect(inlineImageSource(localAttachment({ localId: 'l', name: 'a.heic', type: 'image/heic', size: 1, blob }))).toBeNull()
    expect(inlineImageSource(storedAttachment(photo({ kind: 'document', mime: 'application/pdf' })))).toBeNull()
  })
})

describe('mergeThread attachments and progress', () => {
  it('maps stored attachments to URLs for the viewer (agent or customer)', () => {
    const stored = [{ ...msg(1, 'a', 'agent', ''), attachments: [photo()] }, msg(2, 'b', 'customer', 'thanks')]
    const agent = mergeThread(stored, [], 'agent')
    expect(agent[0]!.attachments).toEqual([
      { key: 'a1', id: 'a1', name: 'cat.png', mime: 'image/png', kind: 'image', size: 2048, width: 640, height: 480,
        urls: { original: '/api/attachments/a1', thumb: '/api/attachments/a1/thumb', preview: null }, blob: null },
    ])
    expect(agent[1]!.attachments).toBeUndefined()
    const signed = { original: '/api/public/attachments/a1?exp=9&sig=o', thumb: '/api/public/attachments/a1/thumb?exp=9&sig=t', preview: null, expiresAt: 9000 }
    const customer = mergeThread([{ ...stored[0]!, attachments: [photo({ urls: signed })] }], [], 'customer')
    expect(customer[0]!.attachments![0]!.urls!.thumb).toBe(signed.thumb)
  })

  it('shows outbox files from their blobs with the upload progress, until the stored message arrives', () => {
    const blob = new Blob(['video'], { type: 'video/webm' })
    const pending = [{
      clientId: 'p', text: 'clip', createdAt: 5000, status: 'pending' as const,
      attachments: [{ localId: 'loc1', name: 'Recording.webm', type: 'video/webm', size: 5, blob }],
    }]
    const [item] = mergeThread([], pending, 'agent', { progress: { p: 0.4 } })
    expect(item!.progress).toBe(0.4)
    expect(item!.attachments).toEqual([
      { key: 'loc1', id: null, name: 'Recording.webm', mime: 'video/webm', kind: 'video', size: 5, width: null, height: null, urls: null, blob },
    ])
    const sent = { ...msg(3, 'p', 'agent', 'clip'), attachments: [photo({ id: 'srv', kind: 'video', mime: 'video/webm', hasThumb: false })] }
    const after = mergeThread([sent], pending, 'agent', { progress: { p: 1 } })
    expect(after).toHaveLength(1)
    expect(after[0]!.progress).toBeUndefined()
    expect(after[0]!.attachments![0]!.urls!.original).toBe('/api/attachments/srv')
  })

  it('shows no progress on a failed message', () => {
    const pending = [{ clientId: 'f', text: '', createdAt: 1, status: 'failed' as const, error: 'Too big', attachments: [] }]
    const [item] = mergeThread([], pending, 'agent', { progress: { f: 0.5 } })
    expect(item!.progress).toBeUndefined()
    expect(item!.attachments).toBeUndefined()
  })
})
