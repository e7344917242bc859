import { describe, expect, it } from 'vitest';
import { Namer, isIdentifier, pascalCase } from '../../../codegen/model/naming.js';

describe('pascalCase', () => {
  it.each([
    ['inferenceAck', 'InferenceAck'],
    ['worker-registration', 'WorkerRegistration'],
    ['turnOn/Off', 'TurnOnOff'],
    ['<anonymous-schema-3>', 'AnonymousSchema3'],
    ['2fa code', 'N2faCode'],
    ['', 'Unnamed'],
    ['***', 'Unnamed'],
    ['Record', 'RecordType'],
    ['café', 'Caf'],
  ])('%s -> %s', (input, expected) => {
    expect(pascalCase(input)).toBe(expected);
  });
});

describe('isIdentifier', () => {
  it('accepts plain names and rejects the rest', () => {
    expect(isIdentifier('workerId')).toBe(true);
    expect(isIdentifier('$a_1')).toBe(true);
    expect(isIdentifier('node-id')).toBe(false);
    expect(isIdentifier('1a')).toBe(false);
  });
});

describe('Namer', () => {
  it('keeps names unique in the order they are asked for, over every suffix', () => {
    const namer = new Namer(['z', 'FooSchema']);
    expect(namer.take('foo', ['', 'Schema'])).toBe('Foo2');
    expect(namer.take('foo', ['', 'Schema'])).toBe('Foo3');
    expect(namer.take('bar')).toBe('Bar');
    expect(namer.take('bar', ['Schema'])).toBe('Bar');
    expect(namer.take('bar', ['Schema'])).toBe('Bar2');
  });
});
