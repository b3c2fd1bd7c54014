import { describe, expect, it } from 'vitest'
import { allowedHref, linkifyText } from './linkify'

const links = (text: string) => linkifyText(text).filter((p) => p.href).map((p) => p.href)

describe('linkifyText', () => {
  it('keeps the text exactly when joined', () => {
    const text = 'See https://example.com/a?b=1, mail dana@example.com or call +49 170 1234567.'
    expect(linkifyText(text).map((p) => p.text).join('')).toBe(text)
  })

  it('links web addresses, emails and phone numbers', () => {
    expect(links('See https://example.com/a?b=1 now')).toEqual(['https://example.com/a?b=1'])
    expect(links('www.example.org')).toEqual(['http://www.example.org'])
    expect(links('write to dana@example.com')).toEqual(['mailto:dana@example.com'])
    expect(links('call +49 170 1234567 today')).toEqual(['tel:+491701234567'])
    expect(links('or 030-1234-567')).toEqual(['tel:0301234567'])
  })

  it('marks web links only as web', () => {
    const parts = linkifyText('https://a.example and x@example.com').filter((p) => p.href)
    expect(parts.map((p) => p.web)).toEqual([true, false])
  })

  it('leaves other schemes, dates and counts as text', () => {
    expect(links('javascript:alert(1)')).toEqual([])
    expect(links('ftp://files.example.com/x')).toEqual([])
    expect(links('data:text/html,<b>x</b>')).toEqual([])
    expect(links('on 2026-12-04 we had 12345678 views')).toEqual([])
    expect(links('+12 34')).toEqual([])
  })

  it('allows only http, https, mailto and tel', () => {
    expect(allowedHref('https://a.example')).toBe('https://a.example')
    expect(allowedHref('tel:+123')).toBe('tel:+123')
    expect(allowedHref('javascript:alert(1)')).toBeNull()
    expect(allowedHref('file:///etc/passwd')).toBeNull()
    expect(allowedHref('not a url')).toBeNull()
  })

  it('gives nothing for empty text', () => {
    expect(linkifyText('')).toEqual([])
  })
})
