import { describe, expect, it } from 'vitest'
import { fillPlaceholders, matchCanned, slashQuery } from './placeholders'

describe('fillPlaceholders', () => {
  const values = { 'customer.name': 'Dana', 'customer.email': 'dana@example.com', 'agent.name': 'Sam' }

  it('fills the three placeholders, with or without spaces inside the braces', () => {
    expect(fillPlaceholders('Hi {{customer.name}}, {{ agent.name }} here. Mail: {{customer.email}}', values)).toBe(
      'Hi Dana, Sam here. Mail: dana@example.com',
    )
  })

  it('leaves unknown and empty ones as typed', () => {
    expect(fillPlaceholders('Order {{order.id}} for {{customer.email}}', { 'customer.name': 'Dana', 'customer.email': '' })).toBe(
      'Order {{order.id}} for {{customer.email}}',
    )
    expect(fillPlaceholders('Hi {{ customer.name }}', { 'customer.name': '   ' })).toBe('Hi {{ customer.name }}')
    expect(fillPlaceholders('Hi {{customer.name}}', {})).toBe('Hi {{customer.name}}')
  })

  it('keeps text without placeholders and half-written braces', () => {
    expect(fillPlaceholders('Plain {text} and {{customer.name', values)).toBe('Plain {text} and {{customer.name')
  })
})

describe('matchCanned', () => {
  const list = [
    { title: 'Refund policy', shortcut: 'refund', text: 'Refunds take 5 days.' },
    { title: 'Greeting', shortcut: 'hi', text: 'Hello there, how can I help with your refund?' },
    { title: 'Bye', shortcut: null, text: 'Goodbye!' },
  ]
  it('finds by every word in title, shortcut or text; shortcut prefix first', () => {
    expect(matchCanned(list, 'refund').map((c) => c.title)).toEqual(['Refund policy', 'Greeting'])
    expect(matchCanned(list, 'REFUND help').map((c) => c.title)).toEqual(['Greeting'])
    expect(matchCanned(list, '').length).toBe(3)
    expect(matchCanned(list, 'nothing')).toEqual([])
  })
})

describe('slashQuery', () => {
  it('reads "/" plus a word as the whole message', () => {
    expect(slashQuery('/')).toBe('')
    expect(slashQuery('/ref')).toBe('ref')
    expect(slashQuery('/ref more')).toBeNull()
    expect(slashQuery('a /ref')).toBeNull()
  })
})
