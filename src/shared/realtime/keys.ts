import type { InjectionKey } from 'vue'

/** Lets a page tell the other side "I'm typing" over the current socket (provided by the layout). */
export type TypingSender = (conversationId: string) => void

export const typingSenderKey: InjectionKey<TypingSender> = Symbol('typingSender')
