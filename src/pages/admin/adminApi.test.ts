import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '@/kernel/http/errors'
import { setLocale } from '@/shared/i18n'
import { toAdminError } from './adminApi'

describe('admin errors in the admin’s language', () => {
  beforeAll(() => setLocale('de'))
  afterAll(() => setLocale('en'))

  it('words known error codes, names their field, and keeps an unknown code’s own message', async () => {
    const taken = await toAdminError(new ApiError(409, 'username_taken', 'The username ana is already taken'))
    expect([taken.message, taken.field]).toEqual(['Dieser Benutzername ist bereits vergeben. Wählen Sie einen anderen.', 'username'])
    const schema = await toAdminError(new ApiError(400, 'bad_request', 'Invalid request: body/address must match pattern "^[a-z0-9]"'))
    expect([schema.message, schema.field]).toEqual(['Ein Wert liegt außerhalb des erlaubten Bereichs oder ist nicht zulässig.', 'address'])
    expect((await toAdminError(new ApiError(0, 'timeout', 'x'))).message).toBe('Der Server hat zu lange nicht geantwortet. Versuchen Sie es erneut.')
    expect((await toAdminError(new ApiError(403, 'forbidden', 'Only admins can do this'))).message).toBe('Das dürfen nur Admins.')
    expect((await toAdminError(new ApiError(409, 'something_new', 'A new rule said no'))).message).toBe('A new rule said no')
  })
})
