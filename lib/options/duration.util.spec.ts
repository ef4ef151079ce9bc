import { parseDuration } from './duration.util.js';

describe('parseDuration', () => {
  it.each([
    [1500, 1500],
    ['250ms', 250],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1.5h', 5_400_000],
  ])('reads %p as %p ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    0,
    -5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    '30',
    '5 minutes',
    '-1m',
    'm',
    null,
    {},
  ])('rejects %p', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});
