/** How long until `expiresAt`, for people: "in 9 h 59 min", "in 4 min 05 s", "in 12 s", "expired". */
export function timeLeft(expiresAt: number, now: number): string {
  const seconds = Math.floor((expiresAt - now) / 1000);
  if (seconds <= 0) return 'expired';
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `in ${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  if (minutes < 60) return `in ${minutes} min`;
  return `in ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
