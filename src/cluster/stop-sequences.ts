/**
 * Stop sequences (`InferenceRequest.stop`) applied to any engine's output: the text ends before the first stop
 * sequence and never contains it. An engine that applies them itself (an upstream server) simply never meets one
 * here. A stop sequence can span several tokens, so the tail that could still be the start of one is held back
 * until the next token decides; the text is the same, though a held-back tail may leave joined to the next token.
 * The cut is where the earliest-starting stop sequence begins, however the text is split into tokens.
 */

/** The tokens of `tokens` up to (not including) the first of `stops`; stops the source when one is met. */
export async function* cutAtStop(tokens: AsyncIterable<string> | Iterable<string>, stops: readonly string[] | undefined): AsyncGenerator<string> {
  if (stops === undefined || stops.length === 0) {
    yield* tokens;
    return;
  }
  let pending = '';
  // `for await` reads a sync iterable too; one iterable type keeps the token type exact for every checker.
  for await (const token of tokens as AsyncIterable<string>) {
    pending += token;
    const at = firstStop(pending, stops);
    // Text from here on may still be the start of a stop sequence; only what comes before it is certain.
    const undecided = pending.length - partialStopLength(pending, stops);
    if (at !== -1 && at <= undecided) {
      if (at > 0) yield pending.slice(0, at);
      return; // leaving the loop closes the source: the engine's generator sees return() and stops
    }
    // Without a stop met, or while a longer one that would start earlier may still complete, yield what is certain.
    if (undecided > 0) {
      yield pending.slice(0, undecided);
      pending = pending.slice(undecided);
    }
  }
  const at = firstStop(pending, stops);
  const rest = at === -1 ? pending : pending.slice(0, at);
  if (rest !== '') yield rest;
}

/** Where the earliest stop sequence starts in `text`, or -1. */
function firstStop(text: string, stops: readonly string[]): number {
  let first = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at !== -1 && (first === -1 || at < first)) first = at;
  }
  return first;
}

/** The length of the longest end of `text` that is the start of some stop sequence (it may still become one). */
function partialStopLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}
