/**
 * Runs `measure` for two sides over `count` rounds, taking turns: the first side first in odd
 * rounds, the second first in even ones (an even count, so each goes first as often as the other).
 * This VM's speed drifts from one minute to the next; turns cancel the drift between the sides.
 * `onRound` sees the results so far after each round.
 */
export async function takeTurns<S extends string, T>(
  sides: readonly [S, S],
  count: number,
  measure: (side: S, round: number) => Promise<T>,
  onRound: (round: number, results: Record<S, T[]>) => void,
): Promise<Record<S, T[]>> {
  const [first, second] = sides;
  const results = { [first]: [], [second]: [] } as unknown as Record<S, T[]>;
  for (let round = 1; round <= count; round++) {
    const order = round % 2 === 1 ? [first, second] : [second, first];
    for (const side of order) results[side].push(await measure(side, round));
    onRound(round, results);
  }
  return results;
}
