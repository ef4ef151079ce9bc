/** A date as `2026-01-02 13:45 UTC`: the same for every visitor, whatever their time zone. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
