/** Library log lines as lines of the walkthrough's report (`! warning: ...`), not as JSON objects in the middle of it. */

const LEVELS: Readonly<Record<number, string>> = { 40: 'warning', 50: 'error', 60: 'fatal' };

/** A logger destination that hands each JSON line to `say` as one readable line. */
export function reportLines(say: (text: string) => void): { write(line: string): void } {
  return {
    write(line) {
      const { level, msg, error } = JSON.parse(line) as { level: number; msg: string; error?: unknown };
      say(`   ! ${LEVELS[level] ?? 'note'}: ${msg}${typeof error === 'string' ? ` (${error})` : ''}`);
    },
  };
}
