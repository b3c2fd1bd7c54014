import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, shallowRef } from 'vue'
import { useObjectUrl } from './useObjectUrl'

describe('useObjectUrl', () => {
  afterEach(() => vi.restoreAllMocks())

  it('makes a URL per Blob and revokes it when the Blob changes and when disposed', async () => {
    let n = 0
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:test/${++n}`)
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    const blob = shallowRef<Blob | null>(new Blob(['a']))
    const scope = effectScope()
    const url = scope.run(() => useObjectUrl(blob))!
    expect(url.value).toBe('blob:test/1')
    blob.value = new Blob(['b'])
    await nextTick()
    expect(revoke).toHaveBeenCalledWith('blob:test/1')
    expect(url.value).toBe('blob:test/2')
    blob.value = null
    await nextTick()
    expect(url.value).toBeNull()
    expect(revoke).toHaveBeenCalledWith('blob:test/2')
    blob.value = new Blob(['c'])
    await nextTick()
    scope.stop()
    expect(revoke).toHaveBeenLastCalledWith('blob:test/3')
    expect(create).toHaveBeenCalledTimes(3)
  })
})
