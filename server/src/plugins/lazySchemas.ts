// Route schemas compiled on first use (issue 12, start-up). Fastify compiles every route's
// validators (Ajv) and response serializers (fast-json-stringify) when it gets ready: about 150
// schemas, most of a cold start's CPU and several MB of generated code, for routes a process may
// never serve. These factories hand Fastify the same compilers it uses by default
// (@fastify/ajv-compiler, @fastify/fast-json-stringify-compiler, with the same options), wrapped
// so each schema is compiled the first time a request needs it. Every check stays exactly as
// strict: the compiled function is the one Fastify would have made, only made later.
// `compileAll()` compiles whatever is still pending (a test runs it, so a broken schema still
// fails the tests instead of a first request).
import { createRequire } from 'node:module'

// Loaded on the first compile, not at start: Ajv and fast-json-stringify are ~100 modules.
const load = createRequire(import.meta.url)

/** What Fastify passes to a validator compiler for one part of one route. */
interface ValidatorRoute { schema: unknown; method: string; url: string; httpPart?: string }
/** What Fastify passes to a serializer compiler for one status (and content type) of one route. */
interface SerializerRoute { schema: unknown; method: string; url: string; httpStatus: string; contentType?: string }

/** An Ajv validate function, as far as Fastify uses it. */
interface Validate {
  (data: unknown, cxt?: object): boolean
  errors?: unknown
  schemaEnv?: unknown
}
type ValidatorCompiler = (route: ValidatorRoute) => Validate
type SerializerCompiler = (route: SerializerRoute) => (doc: unknown) => string
type ValidatorFactory = (externalSchemas: unknown, ajvOptions: unknown) => ValidatorCompiler
type SerializerFactory = (externalSchemas: unknown, serializerOptions: unknown) => SerializerCompiler

/** The `schemaController.compilersFactory` for Fastify, and what is still waiting to compile. */
export interface LazyCompilers {
  /** Fastify's `compilersFactory.buildValidator`: Ajv validators compiled on their first call. */
  buildValidator: ValidatorFactory
  /** Fastify's `compilersFactory.buildSerializer`: fast-json-stringify serializers compiled on their first call. */
  buildSerializer: SerializerFactory
  /**
   * Compiles every validator and serializer not compiled yet (for tests: a schema Ajv or
   * fast-json-stringify refuses throws here). Returns how many it compiled.
   */
  compileAll(): number
}

/** New lazy compilers for one Fastify instance (pass to `schemaController.compilersFactory`). */
export function lazyCompilers(): LazyCompilers {
  const pending = new Set<() => unknown>()
  let ajvFactory: ValidatorFactory | undefined
  let fjsFactory: SerializerFactory | undefined

  /** A getter that compiles once, then keeps the result; registered as pending until then. */
  function once<T>(compile: () => T): () => T {
    let done: { value: T } | undefined
    const get = () => {
      if (!done) {
        done = { value: compile() }
        pending.delete(get)
      }
      return done.value
    }
    pending.add(get)
    return get
  }

  const buildValidator: ValidatorFactory = (externalSchemas, ajvOptions) => {
    // The factory pools one Ajv per (external schemas, options), as Fastify's default does.
    const compiler = once(() => {
      ajvFactory ??= (load('@fastify/ajv-compiler') as () => ValidatorFactory)()
      return ajvFactory(externalSchemas, ajvOptions)
    })
    pending.delete(compiler) // not a schema itself: compiled with the first one
    return (route) => {
      // With a custom compiler Fastify passes header schemas as written instead of lowercasing their
      // names as it does for its own; no route has one. Refuse at start rather than check headers wrongly.
      if (route.httpPart === 'headers') throw new Error(`${route.method} ${route.url}: header schemas are not supported by the lazy compiler (plugins/lazySchemas.ts)`)
      const real = once(() => compiler()(route))
      const validate: Validate = (data, cxt) => real()(data, cxt)
      // Fastify reads `errors` after a failed call, and `schemaEnv` (an Ajv function's) to pass the
      // parent so coercion can replace a root value: both come from the compiled function.
      Object.defineProperty(validate, 'errors', { get: () => real().errors })
      Object.defineProperty(validate, 'schemaEnv', { get: () => real().schemaEnv })
      return validate
    }
  }

  const buildSerializer: SerializerFactory = (externalSchemas, serializerOptions) => {
    const compiler = once(() => {
      fjsFactory ??= (load('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)()
      return fjsFactory(externalSchemas, serializerOptions)
    })
    pending.delete(compiler)
    return (route) => {
      const real = once(() => compiler()(route))
      return (doc) => real()(doc)
    }
  }

  return {
    buildValidator,
    buildSerializer,
    compileAll() {
      let n = 0
      for (const get of [...pending]) {
        get()
        n++
      }
      return n
    },
  }
}
