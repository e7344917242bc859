/** The rules between keys a configuration schema lists (`x-rules`): read for the docs and the generated rule ids. */
import { describe, expect, it } from 'vitest';
import { configRules } from '../../../codegen/model/config-rules.js';

describe('configRules', () => {
  it('reads { id, text } entries in order, and nothing when the schema lists none', () => {
    const rules = [
      { id: 'a-first', text: 'First.' },
      { id: 'b2', text: 'Second.' },
    ];
    expect(configRules({ 'x-rules': rules })).toEqual({ rules, problems: [] });
    expect(configRules({ type: 'object' })).toEqual({ rules: [], problems: [] });
  });

  it('reports a list that is not one, malformed entries and a repeated id', () => {
    expect(configRules({ 'x-rules': {} }).problems).toEqual(['x-rules must be a list of { id, text }']);
    const { rules, problems } = configRules({
      'x-rules': [{ id: 'ok', text: 'Fine.' }, { id: 'Not Kebab', text: 'x' }, { id: 'empty', text: ' ' }, 'text', { id: 'ok', text: 'Again.' }],
    });
    expect(rules).toEqual([{ id: 'ok', text: 'Fine.' }]);
    expect(problems).toHaveLength(4);
    expect(problems[3]).toBe('x-rules[4]: the id "ok" is listed twice');
  });
});
