import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '@/kernel/http/errors'
import { setLocale } from '@/shared/i18n'
import { customerMessage } from './customerApi'

describe('what the customer is told about a failed call', () => {
  beforeAll(() => setLocale('es'))
  afterAll(() => setLocale('en'))

  it('is in the page’s language, by error code, never the server’s English', () => {
    expect(customerMessage(new TypeError('Failed to fetch'))).toBe('No se puede conectar con el servidor. Comprueba tu conexión y vuelve a intentarlo.')
    expect(customerMessage(new ApiError(429, 'rate_limited', 'Too many requests'))).toBe('Demasiados intentos. Espera un momento y vuelve a intentarlo.')
    expect(customerMessage(new ApiError(429, 'upload_quota', 'Too many files in this chat'))).toBe(
      'Demasiados archivos en este chat en la última hora. Espera un poco y vuelve a intentarlo.',
    )
    expect(customerMessage(new ApiError(413, 'too_large', 'The file is larger than the maximum size of 10 MB'))).toBe(
      'Este archivo supera el tamaño máximo permitido.',
    )
    expect(customerMessage(new ApiError(409, 'conversation_ended', 'This chat has ended'))).toBe('Este chat ha terminado.')
    expect(customerMessage(new ApiError(400, 'bad_request', 'body/name must NOT have more than 100 characters'))).toBe('Algo ha salido mal. Vuelve a intentarlo.')
  })
})
