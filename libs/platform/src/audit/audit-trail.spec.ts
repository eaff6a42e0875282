import { canonicalJson } from '@app/contracts';
import { chainHash, GENESIS_HASH } from './audit-trail.service';

describe('audit chain primitives', () => {
  it('serialises the same record identically whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('makes every hash depend on the whole history before it', () => {
    const first = chainHash(GENESIS_HASH, '{"seq":1}');
    const second = chainHash(first, '{"seq":2}');
    expect(second).not.toBe(chainHash(chainHash(GENESIS_HASH, '{"seq":1,"edited":true}'), '{"seq":2}'));
    expect(second).toMatch(/^[0-9a-f]{64}$/);
  });
});
