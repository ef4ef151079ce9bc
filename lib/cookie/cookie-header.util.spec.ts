import { parse } from 'cookie';
import { cookieValues } from './cookie-header.util.js';

describe('cookieValues', () => {
  it('reads every value of the name, in header order', () => {
    expect(cookieValues('sid=a; theme=dark; sid=b;sid=c', 'sid')).toEqual(['a', 'b', 'c']);
  });

  it('ignores other names, including ones that contain the name', () => {
    expect(cookieValues('xsid=1; sidx=2; sid=3', 'sid')).toEqual(['3']);
    expect(cookieValues('theme=dark', 'sid')).toEqual([]);
  });

  it('decodes as cookie.parse() does', () => {
    const header = 'sid="quoted"; sid=a%2Eb; sid=%E0%A4%A; sid= spaced ';
    expect(cookieValues(header, 'sid')).toEqual(['"quoted"', 'a.b', '%E0%A4%A', 'spaced']);
    expect(cookieValues(header, 'sid')[0]).toBe(parse(header).sid);
  });

  it('reads no value from a missing or oversized header, or a pair without =', () => {
    expect(cookieValues(undefined, 'sid')).toEqual([]);
    expect(cookieValues(`sid=a; pad=${'x'.repeat(8200)}`, 'sid')).toEqual([]);
    expect(cookieValues('sid; sid=', 'sid')).toEqual(['']);
  });
});
