/**
 * Splits a batch into turns: the first item of each key, then the second of each, … each turn in the order the
 * items came. Applying the turns one after the other, each turn at once, keeps the order of the items of one key
 * (a person's events) while items of different keys go together.
 */
export function inTurns<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const turns: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    const turn = seen.get(key) ?? 0;
    seen.set(key, turn + 1);
    (turns[turn] ??= []).push(item);
  }
  return turns;
}
