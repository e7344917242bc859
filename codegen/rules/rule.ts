/**
 * A contract rule: a convention a contract keeps beyond what AsyncAPI requires, checked by the generator and reported
 * as a located diagnostic with the rule's name. Each rule is one module of this folder (./index.ts lists them); a
 * project sets each rule's severity (./config.ts). docs/codegen.md, "Contract rules", documents them.
 */
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import type { RawMessage } from '../input/messages.js';
import type { SourceRef, SourceSet } from '../input/sources.js';

/** How a rule's findings are reported: not at all, as warnings (`--strict` makes them fail), or as errors. */
export type RuleSeverity = 'off' | 'warning' | 'error';

/** What a rule looks at. */
export interface RuleContext {
  readonly sources: SourceSet;
  /** Absolute path of the spec. */
  readonly mainFile: string;
  /** Every message, where it is written (after `$ref`s). */
  readonly messages: readonly RawMessage[];
  /** The parser's document (undefined when it produced none); rules that read it run only on a contract without errors. */
  readonly document: AsyncAPIDocumentInterface | undefined;
}

/** One thing a rule found: where, what (and what to do), and which parts of the contract it is about. */
export interface Finding {
  readonly at: SourceRef;
  readonly message: string;
  readonly scope: readonly SourceRef[];
}

export interface ContractRule {
  /** Kebab-case, as printed after each finding and written in the project's configuration. */
  readonly name: string;
  /** One line: what the rule asks for. */
  readonly description: string;
  readonly defaultSeverity: Exclude<RuleSeverity, 'off'>;
  /**
   * Whether the rule applies to a contract the project's settings say nothing about; a rule the settings name applies
   * at the severity they give. Absent: always. The role rules apply by default to a contract that names roles (an
   * operation has a tag): such a contract describes every party, where a contract without roles describes one
   * application's side (its messages are sent or received elsewhere).
   */
  readonly appliesByDefault?: (context: RuleContext) => boolean;
  /**
   * `always`: the rule reads each part on its own and runs with the other checks. `clean`: it reads how parts
   * relate (operations, channels, messages), which an error can falsify (a broken `$ref` hides the messages an
   * operation sends), so it runs once the contract has no errors.
   */
  readonly runs: 'always' | 'clean';
  check(context: RuleContext): Finding[];
}
