import { apiJson, apiVoid } from '@/kernel/http/client'
import type { User } from '@/kernel/contract'

export async function fetchMe(): Promise<User> {
  return (await apiJson<{ user: User }>('GET', 'auth/me')).user
}

export async function login(username: string, password: string): Promise<User> {
  return (await apiJson<{ user: User }>('POST', 'auth/login', { json: { username, password } })).user
}

export function logout(): Promise<void> {
  return apiVoid('POST', 'auth/logout')
}

export type MePatch = Partial<Pick<User, 'presence' | 'notifyMessages' | 'locale'>>

/** Change my own settings; `keepalive` lets the change reach the server even if the page goes away. */
export async function updateMe(patch: MePatch): Promise<User> {
  return (await apiJson<{ user: User }>('PATCH', 'me', { json: patch, keepalive: true })).user
}
