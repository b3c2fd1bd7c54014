import type { Attachment, AuthorKind, Message } from '@/kernel/contract'

/** Where a stored file can be fetched: the file itself, its thumbnail and its JPEG preview (HEIC). */
export interface AttachmentUrls {
  original: string
  thumb: string | null
  preview: string | null
}

/**
 * A file on a message: stored on the server (`urls`), or still in our outbox (`blob`; the
 * component showing it makes the object URL and revokes it when it is no longer shown).
 */
export interface ThreadAttachment {
  /** The server's id once stored, else the outbox's local id. */
  key: string
  id: string | null
  name: string
  mime: string
  kind: Attachment['kind']
  size: number
  width: number | null
  height: number | null
  urls: AttachmentUrls | null
  blob: Blob | null
}

/** A file of a message still in the outbox (the shape of OutboxAttachment). */
export interface PendingAttachment {
  localId: string
  name: string
  type: string
  size: number
  blob: Blob
}

/**
 * The URLs of a stored file. Customers get short-lived signed URLs from the server with each
 * message (`a.urls`; <img> and <video> can't send an Authorization header, and a token in a URL
 * would leak into logs and caches); agents use their session cookie on /api/attachments.
 */
export function attachmentUrls(a: Pick<Attachment, 'id' | 'hasThumb' | 'hasPreview' | 'urls'>): AttachmentUrls {
  if (a.urls) return { original: a.urls.original, thumb: a.urls.thumb, preview: a.urls.preview }
  const url = (suffix: string) => `/api/attachments/${encodeURIComponent(a.id)}${suffix}`
  return {
    original: url(''),
    thumb: a.hasThumb ? url('/thumb') : null,
    preview: a.hasPreview ? url('/preview') : null,
  }
}

export function storedAttachment(a: Attachment): ThreadAttachment {
  return {
    key: a.id, id: a.id, name: a.name, mime: a.mime, kind: a.kind, size: a.size,
    width: a.width, height: a.height, urls: attachmentUrls(a), blob: null,
  }
}

/** What a local file will show as (the server decides for good by its bytes). */
export function kindOfType(type: string): Attachment['kind'] {
  if (type.startsWith('image/')) return 'image'
  if (type.startsWith('video/')) return 'video'
  return 'document'
}

export function localAttachment(a: PendingAttachment): ThreadAttachment {
  return {
    key: a.localId, id: null, name: a.name, mime: a.type, kind: kindOfType(a.type), size: a.size,
    width: null, height: null, urls: null, blob: a.blob,
  }
}

const BROWSER_IMAGES = /^image\/(png|jpeg|gif|webp|avif|bmp)$/

/**
 * The image to show in the thread: the thumbnail (a JPEG even for HEIC), else the JPEG preview,
 * else the file if browsers can show it. Null: show it as a file to download.
 */
export function inlineImageSource(a: ThreadAttachment): 'thumb' | 'preview' | 'original' | 'blob' | null {
  if (a.kind !== 'image') return null
  if (a.urls) {
    if (a.urls.thumb) return 'thumb'
    if (a.urls.preview) return 'preview'
    return BROWSER_IMAGES.test(a.mime) ? 'original' : null
  }
  return a.blob && BROWSER_IMAGES.test(a.mime) ? 'blob' : null
}

/** The full-size image for the viewer: the JPEG preview of a HEIC photo, else the file. */
export function fullImageUrl(a: ThreadAttachment): string | null {
  if (!a.urls) return null
  return a.urls.preview ?? a.urls.original
}

/** What a bubble shows: a stored message, or one of ours still on its way. */
export interface ThreadItem {
  key: string
  clientId: string
  seq: number | null
  authorKind: AuthorKind
  authorName: string | null
  text: string
  createdAt: number
  /** Only for the viewer's own messages. */
  status: 'sending' | 'sent' | 'failed' | null
  error?: string
  /** Files on the message (absent when none). */
  attachments?: ThreadAttachment[]
  /** Upload progress (0..1) of a message of ours still uploading its files. */
  progress?: number
}

export interface PendingMessage {
  clientId: string
  text: string
  createdAt: number
  status: 'pending' | 'failed'
  error?: string
  attachments?: PendingAttachment[]
}

export interface MergeOptions {
  /** Upload progress by clientId (useOutbox().progress). */
  progress?: Record<string, number>
}

/**
 * Stored messages in seq order, then our own messages the server hasn't acknowledged yet
 * (a pending one disappears as soon as the stored one with its clientId arrives).
 */
export function mergeThread(messages: Message[], pending: PendingMessage[], mine: AuthorKind, opts: MergeOptions = {}): ThreadItem[] {
  const known = new Set(messages.map((m) => m.clientId))
  const items: ThreadItem[] = messages.map((m) => {
    const item: ThreadItem = {
      key: m.clientId || m.id,
      clientId: m.clientId,
      seq: m.seq,
      authorKind: m.authorKind,
      authorName: m.authorName,
      text: m.text,
      createdAt: m.createdAt,
      status: m.authorKind === mine ? 'sent' : null,
    }
    if (m.attachments?.length) item.attachments = m.attachments.map((a) => storedAttachment(a))
    return item
  })
  for (const p of [...pending].sort((a, b) => a.createdAt - b.createdAt)) {
    if (known.has(p.clientId)) continue
    const item: ThreadItem = {
      key: p.clientId,
      clientId: p.clientId,
      seq: null,
      authorKind: mine,
      authorName: null,
      text: p.text,
      createdAt: p.createdAt,
      status: p.status === 'failed' ? 'failed' : 'sending',
      error: p.error,
    }
    if (p.attachments?.length) item.attachments = p.attachments.map(localAttachment)
    const progress = opts.progress?.[p.clientId]
    if (progress !== undefined && p.status !== 'failed') item.progress = progress
    items.push(item)
  }
  return items
}
