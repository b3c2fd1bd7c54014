export interface MenuAction {
  id: string
  label: string
  danger?: boolean
}
