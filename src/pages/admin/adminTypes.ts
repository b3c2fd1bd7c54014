/** Which inline form a row of the agents list has open. */
export type AgentPanel = 'edit' | 'password' | null

/** What the devices screen asks to confirm for one device. */
export type DeviceAction = 'block' | 'delete'
