/** What every `mlx-node` command shares: its exit codes and where it writes. */

/** The exit codes of `mlx-node`, documented in the README and the deployment guide. */
export const EXIT = {
  /** Stopped by a signal after draining, `--check` found the file valid, a `credentials` command did its work, or `--help`. */
  ok: 0,
  /** The node could not start (NATS unreachable, a port in use, ...) or failed while running (NATS lost for good); a `credentials` command could not finish. */
  failed: 1,
  /** The command line is wrong. */
  usage: 2,
  /** The configuration file (or the users file it names) is missing or invalid. */
  invalidConfig: 3,
} as const;

/** Where the command writes; a parameter so tests can run it in-process. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The process's own stdout and stderr, a line per call. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};
