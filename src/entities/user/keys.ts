import type { InjectionKey } from 'vue'

/** Signs the agent out and clears this device's state (provided by the agent layout). */
export const signOutKey: InjectionKey<() => Promise<void>> = Symbol('signOut')
