/** Diagnostics print as file:line:col: message, repeats go, and a CodegenError carries every problem. */
import { describe, expect, it } from 'vitest';
import { CodegenError, dedupeDiagnostics, formatDiagnostic, type Diagnostic } from '../../../codegen/input/diagnostics.js';

describe('diagnostic helpers', () => {
  const d = (file: string, line: number, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({
    severity,
    file,
    line,
    column: 2,
    message,
  });

  it('prints file:line:col: message relative to the working directory, absolute outside it', () => {
    expect(formatDiagnostic(d('/repo/a.yaml', 3, 'boom'), '/repo')).toBe('a.yaml:3:2: boom');
    expect(formatDiagnostic(d('/elsewhere/a.yaml', 3, 'boom'), '/repo')).toBe('/elsewhere/a.yaml:3:2: boom');
    expect(formatDiagnostic(d('/repo/a.yaml', 3, 'odd', 'warning'), '/repo')).toBe('a.yaml:3:2: warning: odd');
  });

  it('drops repeats and sorts by file and position', () => {
    const list = [d('/b', 1, 'x'), d('/a', 9, 'y'), d('/a', 2, 'z'), d('/a', 9, 'y')];
    expect(dedupeDiagnostics(list).map((x) => `${x.file}:${String(x.line)}`)).toEqual(['/a:2', '/a:9', '/b:1']);
  });

  it('CodegenError lists every problem in its message', () => {
    const error = new CodegenError([d('/a', 1, 'first'), d('/a', 2, 'second', 'warning')]);
    expect(error.message).toContain('1 problem(s)');
    expect(error.message).toContain('first');
    expect(error.diagnostics).toHaveLength(2);
  });
});
