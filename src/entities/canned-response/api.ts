import { apiJson } from '@/kernel/http/client'
import type { CannedResponse } from '@/kernel/contract'

/** A personal response as written in Settings (POST/PATCH /api/canned-responses). */
export interface CannedDraft {
  title: string
  shortcut: string | null
  text: string
}

/** A shared response as the admin writes it: `queueIds` null = all queues. */
export interface SharedCannedDraft extends CannedDraft {
  queueIds: string[] | null
}

/** What I may use: shared ones for my queues and my personal ones, ordered by title. */
export const listCanned = () => apiJson<{ cannedResponses: CannedResponse[] }>('GET', 'canned-responses').then((r) => r.cannedResponses)

// Personal: a null shortcut is left out on create (the server wants 1..32 characters or nothing).
export const createPersonal = (d: CannedDraft) =>
  apiJson<{ cannedResponse: CannedResponse }>('POST', 'canned-responses', { json: { title: d.title, text: d.text, ...(d.shortcut ? { shortcut: d.shortcut } : {}) } }).then((r) => r.cannedResponse)
export const updatePersonal = (id: string, d: CannedDraft) =>
  apiJson<{ cannedResponse: CannedResponse }>('PATCH', `canned-responses/${id}`, { json: d }).then((r) => r.cannedResponse)
export const deletePersonal = (id: string) => apiJson<void>('DELETE', `canned-responses/${id}`, { json: {} })

/** Admins: every shared response. */
export const listShared = () => apiJson<{ cannedResponses: CannedResponse[] }>('GET', 'admin/canned-responses').then((r) => r.cannedResponses)
export const createShared = (d: SharedCannedDraft) =>
  apiJson<{ cannedResponse: CannedResponse }>('POST', 'admin/canned-responses', {
    json: { title: d.title, text: d.text, queueIds: d.queueIds, ...(d.shortcut ? { shortcut: d.shortcut } : {}) },
  }).then((r) => r.cannedResponse)
export const updateShared = (id: string, d: SharedCannedDraft) =>
  apiJson<{ cannedResponse: CannedResponse }>('PATCH', `admin/canned-responses/${id}`, { json: d }).then((r) => r.cannedResponse)
export const deleteShared = (id: string) => apiJson<void>('DELETE', `admin/canned-responses/${id}`, { json: {} })
