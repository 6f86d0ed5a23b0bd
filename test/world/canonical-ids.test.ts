import { describe, expect, it } from 'vitest';
import { canonicalCustomerId, canonicalHexId, canonicalTexts } from '../../src/world/model.js';
import { basicToken } from '../../src/auth/credentials.js';

describe('canonical ids, as the rules and the magic values compare them', () => {
  it('lowers hex ids and drops leading zeros, in a copy that leaves the texts as sent', () => {
    const texts = { promotionId: '5F1E7F9A3B2C4D00123456AB', customerId: '0566881933', other: 'x' };
    expect(canonicalTexts(texts)).toEqual({ promotionId: '5f1e7f9a3b2c4d00123456ab', customerId: '566881933', other: 'x' });
    expect(texts.promotionId).toBe('5F1E7F9A3B2C4D00123456AB');
  });

  it('adds no key the texts lack', () => {
    expect(Object.keys(canonicalTexts({ customerId: '007' }))).toEqual(['customerId']);
  });

  it('leaves alone what is no id of the vendor: not 24 hex digits, not 1 to 19 digits', () => {
    const notIds = ['5F1E7F9A3B2C4D00123456A', '5F1E7F9A3B2C4D00123456AG', '\u00105f1e7f9a3b2c4d001234567', '-1', '00000000000000000000', '1e3', ''];
    for (const text of notIds) {
      expect(canonicalTexts({ promotionId: text, customerId: text })).toEqual({ promotionId: text, customerId: text });
    }
  });

  it('lowers any text as toLowerCase does, past ASCII too', () => {
    expect(canonicalHexId('ABCdef')).toBe('abcdef');
    expect(canonicalHexId('ÀÉ1')).toBe('àé1');
    expect(canonicalHexId('already lower 123')).toBe('already lower 123');
  });

  it('writes a customer id as its number does', () => {
    expect(canonicalCustomerId('0')).toBe('0');
    expect(canonicalCustomerId('000')).toBe('0');
    expect(canonicalCustomerId('0566881933')).toBe('566881933');
    expect(canonicalCustomerId(566881933)).toBe('566881933');
    expect(canonicalCustomerId('9223372036854775807')).toBe('9223372036854775807');
  });
});

describe('the token of a Basic Authorization header', () => {
  it('reads the usual form and every other the expression allows', () => {
    expect(basicToken('Basic dXNlcjpwdw==')).toBe('dXNlcjpwdw==');
    expect(basicToken('basic dXNlcjpwdw==')).toBe('dXNlcjpwdw==');
    expect(basicToken('Basic   dXNlcjpwdw==  ')).toBe('dXNlcjpwdw==');
    expect(basicToken('Basic\tdXNlcjpwdw==')).toBe('dXNlcjpwdw==');
    expect(basicToken('Basic not-base64!')).toBe('not-base64!');
  });

  it('finds none where there is none', () => {
    for (const header of [undefined, '', 'Basic', 'Basic ', 'Basic a b', 'Bearer abc', 'Basicabc', 'Basic abc x']) {
      expect(basicToken(header)).toBeUndefined();
    }
  });
});
