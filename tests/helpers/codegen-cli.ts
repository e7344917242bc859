/** Runs the generator's CLI from source (`codegen/cli.ts` under tsx) in a child process, as a user runs it. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the CLI printed and its exit code (0 on success); never rejects for a non-zero exit. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `codegen/cli.ts` with `args` in the current directory. */
export function runCodegenCli(args: string[]): Promise<CliResult> {
  return run(process.execPath, ['--import', 'tsx', 'codegen/cli.ts', ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: unknown) => {
      const failed = error as CliResult;
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    },
  );
}
