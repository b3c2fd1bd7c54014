import { join } from 'node:path'
import { create as contentDisposition } from 'content-disposition'
import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { conflict, HttpError, notFound } from '../../services/errors.js'
import { authHooks, userOf } from '../../plugins/auth.js'
import { agentCanSee, conversationState } from '../../db/repositories/conversations.js'
import { getAttachmentRow, getAttachmentWithChat } from '../../db/repositories/attachments.js'
import { checkUploadQuota, cleanFileName, storeUpload, type UploadQuota } from '../../services/attachments.js'
import { getFileRules, setFileRules } from '../../services/fileRules.js'
import { conversationIdForToken } from '../../services/conversations.js'
import type { BlobStore } from '../../services/storage.js'
import type { ImagePool } from '../../services/imagePool.js'
import { idParams } from '../schemas.js'

const attachmentReply = { 201: { type: 'object', properties: { attachment: { type: 'object', additionalProperties: true } } } } as const
const rulesSchema = {
  type: 'object',
  required: ['allowedTypes', 'maxBytes', 'videoRecording', 'maxVideoSeconds'],
  additionalProperties: false,
  properties: {
    allowedTypes: { type: 'array', items: { type: 'string', pattern: '^\\.?[a-zA-Z0-9]{1,10}$' }, maxItems: 50, uniqueItems: true },
    maxBytes: { type: 'integer', minimum: 1024, maximum: 100 * 1024 * 1024 },
    videoRecording: { type: 'boolean' },
    maxVideoSeconds: { type: 'integer', minimum: 1, maximum: 600 },
  },
} as const
type Variant = 'original' | 'thumb' | 'preview'

interface Opts { ctx: AppContext; store: BlobStore; dataDir: string; quota: UploadQuota; images: ImagePool }

/** Uploads, downloads and the admin's file rules. */
export default async function attachmentRoutes(fastify: FastifyInstance, { ctx, store, dataDir, quota, images }: Opts) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireUser, requireAdmin, requireCustomer } = authHooks(ctx)
  const tmpDir = join(dataDir, 'tmp')

  async function receive(req: FastifyRequest, conversationId: string, uploader: { kind: 'agent'; userId: string } | { kind: 'customer' }) {
    if (!req.isMultipart()) throw new HttpError(400, 'bad_request', 'Send the file as multipart/form-data in a field named "file"')
    // A conversation over its hourly quota is refused before a byte is read.
    await checkUploadQuota(ctx.db, conversationId, quota)
    const rules = await getFileRules(ctx.db)
    // Fields before the file (`recorded`) arrive in data.fields.
    const data = await req.file({ limits: { fileSize: rules.maxBytes, files: 1, fields: 5, fieldSize: 100 } })
    if (!data || data.fieldname !== 'file') throw new HttpError(400, 'bad_request', 'Send the file in a field named "file"')
    const recordedField = data.fields.recorded
    const recorded = !!recordedField && !Array.isArray(recordedField) && 'value' in recordedField && recordedField.value === '1'
    return storeUpload(ctx.db, store, tmpDir, {
      conversationId, uploader, fileName: cleanFileName(data.filename), stream: data.file, recorded, rules, quota, images,
    })
  }

  /** Sends one rendering of a file; `cacheControl` says how long browsers may keep it. */
  async function send(
    reply: FastifyReply, row: { storage_key: string; thumb_key: string | null; preview_key: string | null; mime: string; file_name: string; kind: string },
    variant: Variant, range: string | undefined, cacheControl = 'private, max-age=31536000, immutable',
  ) {
    const key = variant === 'thumb' ? row.thumb_key : variant === 'preview' ? row.preview_key : row.storage_key
    if (!key) throw notFound('No such rendering of this file')
    const size = await store.size(key)
    if (size === undefined) throw notFound('File not found')
    const mime = variant === 'original' ? row.mime : 'image/jpeg'
    const inline = variant !== 'original' || row.kind === 'image' || row.kind === 'video'
    const name = variant === 'original' ? row.file_name : row.file_name.replace(/\.[^.]*$/, '') + '.jpg'
    reply
      .header('Content-Type', mime)
      .header('X-Content-Type-Options', 'nosniff')
      // Even if something slipped through, a download can never run script in our origin.
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .header('Content-Disposition', contentDisposition(name, { type: inline ? 'inline' : 'attachment' }))
      .header('Cache-Control', cacheControl)
      .header('Accept-Ranges', 'bytes')
    const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null
    if (m && (m[1] || m[2])) {
      let start = m[1] ? Number(m[1]) : size - Number(m[2])
      let end = m[1] && m[2] ? Number(m[2]) : size - 1
      start = Math.max(0, start)
      end = Math.min(end, size - 1)
      if (start > end || start >= size) {
        return reply.status(416).header('Content-Range', `bytes */${size}`).send({ error: { code: 'range_not_satisfiable', message: 'Range not satisfiable' } })
      }
      reply.status(206).header('Content-Range', `bytes ${start}-${end}/${size}`).header('Content-Length', end - start + 1)
      return reply.send(await store.read(key, { start, end }))
    }
    reply.header('Content-Length', size)
    return reply.send(await store.read(key))
  }

  // Agents.
  app.register(async (scope) => {
    const agent = scope.withTypeProvider<RouteTypes>()
    agent.addHook('preHandler', requireUser)

    agent.post('/api/conversations/:id/attachments', { config: { acceptsMultipart: true }, schema: { params: idParams, response: attachmentReply } }, async (req, reply) => {
      if (!(await agentCanSee(ctx.db, userOf(req).id, req.params.id))) throw notFound('Conversation not found')
      const conv = await conversationState(ctx.db, req.params.id)
      if (!conv) throw notFound('Conversation not found')
      if (conv.state === 'ended') throw conflict('conversation_ended', 'This chat has ended')
      if (conv.state !== 'picked' || conv.agent_id !== userOf(req).id) throw conflict('not_owner', 'You can only send files in conversations you have picked')
      return reply.status(201).send({ attachment: await receive(req, req.params.id, { kind: 'agent', userId: userOf(req).id }) })
    })

    for (const variant of ['original', 'thumb', 'preview'] as const) {
      const path = variant === 'original' ? '/api/attachments/:id' : `/api/attachments/:id/${variant}`
      agent.get(path, { schema: { params: idParams } }, async (req, reply) => {
        const row = await getAttachmentRow(ctx.db, req.params.id)
        // Unsent files are the uploader's alone; sent ones belong to whoever may see the conversation.
        const ok = row && (row.message_id !== null || row.uploader_id === userOf(req).id) && (await agentCanSee(ctx.db, userOf(req).id, row.conversation_id))
        if (!row || !ok) throw notFound('File not found')
        return send(reply, row, variant, req.headers.range)
      })
    }

    agent.get('/api/settings/files', async () => ({ files: await getFileRules(ctx.db) }))
  })

  app.register(async (scope) => {
    const admin = scope.withTypeProvider<RouteTypes>()
    admin.addHook('preHandler', requireAdmin)
    admin.put('/api/admin/settings/files', { schema: { body: rulesSchema } }, async (req) => {
      const files = await setFileRules(ctx.db, req.body)
      // Every connected agent and customer gets the new rules at once.
      ctx.pubsub.publish({ kind: 'control', control: 'settings.changed', userId: null })
      return { files }
    })
  })

  // Customers.
  app.get('/api/public/settings/files', async () => ({ files: await getFileRules(ctx.db) }))

  app.register(async (scope) => {
    const customer = scope.withTypeProvider<RouteTypes>()
    customer.post('/api/public/conversation/attachments', { config: { acceptsMultipart: true }, preHandler: requireCustomer, schema: { response: attachmentReply } }, async (req, reply) => {
      const id = req.customerConversationId!
      const conv = await conversationState(ctx.db, id)
      if (!conv) throw notFound('Conversation not found')
      if (conv.state === 'ended') throw conflict('conversation_ended', 'This chat has ended')
      const attachment = await receive(req, id, { kind: 'customer' })
      return reply.status(201).send({ attachment: { ...attachment, urls: ctx.signer.urls(attachment) } })
    })

    for (const variant of ['original', 'thumb', 'preview'] as const) {
      const path = variant === 'original' ? '/api/public/attachments/:id' : `/api/public/attachments/:id/${variant}`
      // <img> and <video> can't send headers: they use the signed URL the API gave (?exp=&sig=,
      // services/signedUrls.ts), which opens this rendering of this file alone until it expires.
      // A script may send the customer token as a Bearer header. A token in the URL opens nothing.
      customer.get(path, {
        schema: {
          params: idParams,
          querystring: { type: 'object', properties: { exp: { type: 'integer', minimum: 0, maximum: 1e11 }, sig: { type: 'string', maxLength: 100 } } },
        },
      }, async (req, reply) => {
        const row = await getAttachmentWithChat(ctx.db, req.params.id)
        // Unsent files are the uploader's alone: a customer never sees an agent's draft.
        const customerMaySee = row && (row.message_id !== null || row.uploader_kind === 'customer')
        const { exp, sig } = req.query
        if (exp !== undefined && sig !== undefined) {
          const left = ctx.signer.check(req.params.id, variant, exp, sig)
          // A revoked or expired chat link takes its files' URLs with it.
          const linkAlive = row && row.customer_token_revoked_at === null && (row.ended_at === null || row.ended_at + ctx.customerTokenMs > Date.now())
          if (!row || !customerMaySee || !left || !linkAlive) throw notFound('File not found')
          // Browsers keep it no longer than the URL is valid.
          return send(reply, row, variant, req.headers.range, `private, max-age=${left}`)
        }
        const bearer = /^Bearer ([A-Za-z0-9_-]{20,})$/.exec(req.headers.authorization ?? '')?.[1]
        const conversationId = bearer ? await conversationIdForToken(ctx, bearer) : undefined
        if (!row || !customerMaySee || !conversationId || row.conversation_id !== conversationId) throw notFound('File not found')
        return send(reply, row, variant, req.headers.range, 'private, no-store')
      })
    }
  })
}
