/** Which inline form a row of the agents list has open. */
export type AgentPanel = 'edit' | 'password' | null
