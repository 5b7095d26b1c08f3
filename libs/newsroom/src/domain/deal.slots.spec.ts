import { deepEqual } from './deal.derivation';

describe('deepEqual (what a slot diff calls a change)', () => {
  it('compares JSON values by structure', () => {
    expect(deepEqual({ value: '4000000000', currency: 'USD' }, { currency: 'USD', value: '4000000000' })).toBe(true);
    expect(deepEqual([1, [2, { a: 'x' }]], [1, [2, { a: 'x' }]])).toBe(true);
    expect(deepEqual({ a: { b: [1, 2] } }, { a: { b: [1, 3] } })).toBe(false);
    expect(deepEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(deepEqual([1, 2, 3], [1, 2])).toBe(false);
  });

  it('takes a field holding undefined as absent, and null as a value', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(deepEqual({ a: 1, b: null }, { a: 1 })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(deepEqual({ a: null }, { b: null })).toBe(false);
  });

  it('tells arrays, objects, null and scalars apart', () => {
    expect(deepEqual([], {})).toBe(false);
    expect(deepEqual({}, [])).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual({}, null)).toBe(false);
    expect(deepEqual('1', 1)).toBe(false);
    expect(deepEqual(null, null)).toBe(true);
    expect(deepEqual({}, {})).toBe(true);
  });
});
