import { chunkByBytes } from './produce-request';

describe('chunkByBytes', () => {
  const message = (id: number, bytes: number) => ({ id, value: 'x'.repeat(bytes) });

  it('keeps the order and every message, each run within the limit', () => {
    const messages = Array.from({ length: 1_000 }, (_, index) => message(index, 100 + ((index * 37) % 900)));
    const chunks = chunkByBytes(messages, 10_000);
    expect(chunks.flat().map((each) => each.id)).toEqual(messages.map((each) => each.id));
    for (const chunk of chunks) expect(chunk.reduce((sum, each) => sum + each.value.length, 0)).toBeLessThanOrEqual(10_000);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('counts bytes, not characters, and sends an oversized message alone', () => {
    const chunks = chunkByBytes([message(1, 10), { id: 2, value: 'đ'.repeat(6) }, message(3, 50), message(4, 5)], 20);
    // 'đ' is two bytes in UTF-8: 10 + 12 > 20
    expect(chunks.map((chunk) => chunk.map((each) => each.id))).toEqual([[1], [2], [3], [4]]);
  });

  it('gives nothing for nothing', () => {
    expect(chunkByBytes([], 100)).toEqual([]);
  });
});
