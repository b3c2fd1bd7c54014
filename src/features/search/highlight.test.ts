import { describe, expect, it } from 'vitest'
import { highlightParts, matchRanges } from './highlight'

describe('highlightParts', () => {
  it('marks the ranges and keeps the text', () => {
    const parts = highlightParts('Dana Smith · dana@example.com', [[0, 4], [13, 17]])
    expect(parts).toEqual([
      { text: 'Dana', mark: true },
      { text: ' Smith · ', mark: false },
      { text: 'dana', mark: true },
      { text: '@example.com', mark: false },
    ])
    expect(parts.map((p) => p.text).join('')).toBe('Dana Smith · dana@example.com')
  })

  it('clips, orders and merges ranges', () => {
    expect(highlightParts('abcdef', [[4, 99], [1, 3], [2, 4], [-5, 0]])).toEqual([
      { text: 'a', mark: false },
      { text: 'bcdef', mark: true },
    ])
    expect(highlightParts('abc', [])).toEqual([{ text: 'abc', mark: false }])
  })
})

describe('matchRanges', () => {
  it('finds every word as a word prefix, case-insensitive', () => {
    expect(matchRanges('My order from Dana arrived', 'dan ord')).toEqual([[14, 17], [3, 6]])
  })
  it('needs every word', () => {
    expect(matchRanges('My order', 'order refund')).toEqual([])
  })
  it('does not match inside words', () => {
    expect(matchRanges('Bandana', 'dan')).toEqual([])
  })
})
