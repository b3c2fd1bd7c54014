// The JSON contract shared with the server (type-only: nothing reaches the bundle).
export type * from '../../server/src/api-types'
