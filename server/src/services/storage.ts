import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { blobSize, deleteBlob, insertBlob, readBlob } from '../db/repositories/blobs.js'

export interface ByteRange { start: number; end: number }

/**
 * Where attachment bytes live. Keys are random and never derived from a client's file name.
 * Disk (under DATA_DIR) for one process; PostgreSQL when several processes share a database.
 */
export interface BlobStore {
  /** Moves a finished temporary file into the store under `key`. */
  putFile(key: string, tempPath: string): Promise<void>
  putBuffer(key: string, data: Buffer): Promise<void>
  size(key: string): Promise<number | undefined>
  read(key: string, range?: ByteRange): Promise<Readable>
  delete(key: string): Promise<void>
}

export function createDiskStore(dir: string): BlobStore {
  const path = (key: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error('bad storage key')
    return join(dir, key.slice(0, 2), key)
  }
  return {
    async putFile(key, tempPath) {
      await mkdir(join(dir, key.slice(0, 2)), { recursive: true })
      await rename(tempPath, path(key))
    },
    async putBuffer(key, data) {
      await mkdir(join(dir, key.slice(0, 2)), { recursive: true })
      await pipeline(Readable.from([data]), createWriteStream(path(key)))
    },
    async size(key) {
      try {
        return (await stat(path(key))).size
      } catch {
        return undefined
      }
    },
    async read(key, range) {
      return createReadStream(path(key), range ? { start: range.start, end: range.end } : {})
    },
    async delete(key) {
      await rm(path(key), { force: true })
    },
  }
}

/** Blobs in a PostgreSQL table, reachable from every process (attachments are capped in size). */
export function createDbStore(db: Kysely<DB>): BlobStore {
  const store: BlobStore = {
    async putFile(key, tempPath) {
      await store.putBuffer(key, await readFile(tempPath))
      await rm(tempPath, { force: true })
    },
    async putBuffer(key, data) {
      await insertBlob(db, key, data)
    },
    async size(key) {
      return blobSize(db, key)
    },
    async read(key, range) {
      const data = await readBlob(db, key)
      return Readable.from([range ? data.subarray(range.start, range.end + 1) : data])
    },
    async delete(key) {
      await deleteBlob(db, key)
    },
  }
  return store
}
