import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nearest, parseArgsProblem, unknownCommandProblem } from '../../../ops/cli-usage';

const FLAGS = ['serve', 'web', 'adopt', 'outputs-file', 'faults', 'cors-origin', 'help', 'api-port', 'iot-port', 'mqtt-port'];

function problemOf(args: string[], allowPositionals = false): string {
  try {
    parseArgs({ args, options: Object.fromEntries(FLAGS.map((f) => [f, { type: f.endsWith('port') || f.endsWith('file') ? 'string' : 'boolean' }] as const)), allowPositionals, strict: true });
  } catch (error) {
    return parseArgsProblem(error, FLAGS);
  }
  throw new Error(`parseArgs accepted ${args.join(' ')}`);
}

describe('nearest', () => {
  it.each([
    ['sreve', 'serve'],
    ['usrname', 'username'],
    ['ouputs-file', 'outputs-file'],
    ['cors-orgin', 'cors-origin'],
  ])('takes %s for a typo of %s', (typed, meant) => {
    expect(nearest(typed, [...FLAGS, 'username'])).toBe(meant);
  });

  it('completes a word to the one flag it begins', () => {
    expect(nearest('outputs', FLAGS)).toBe('outputs-file');
  });

  it('suggests nothing for a word far from every flag, or the beginning of several', () => {
    expect(nearest('verbose', FLAGS)).toBeUndefined();
    expect(nearest('port', FLAGS)).toBeUndefined();
  });
});

describe('parseArgsProblem', () => {
  it('says which option is unknown and the flag it is likely a typo of, in one line', () => {
    expect(problemOf(['--sreve'])).toBe('unknown option --sreve (did you mean --serve?)');
  });

  it('names an unknown option without a guess when none is close', () => {
    expect(problemOf(['--verbose'])).toBe('unknown option --verbose');
  });

  it('says a bare word was taken for an argument, and the flag it spells', () => {
    expect(problemOf(['serve'])).toBe('unexpected argument "serve" (did you mean --serve?)');
  });

  it("keeps Node's own words for a missing value, which already name the flag", () => {
    expect(problemOf(['--outputs-file'])).toMatch(/^Option '--outputs-file <value>' argument missing$/);
  });
});

describe('unknownCommandProblem', () => {
  it('names the command a mistyped one is closest to', () => {
    expect(unknownCommandProblem('stauts', ['failed', 'status', 'queue'])).toBe('Unknown command "stauts" (did you mean status?)');
    expect(unknownCommandProblem('frobnicate', ['failed', 'status', 'queue'])).toBe('Unknown command "frobnicate"');
  });
});
