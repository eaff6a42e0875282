import { PROVINCES_2025, PROVINCES_BEFORE_2025 } from './province-codes';

describe('official province code lists', () => {
  it('holds the 34 provinces of the 2025 reform and the 63 before it', () => {
    expect(Object.keys(PROVINCES_2025)).toHaveLength(34);
    expect(Object.keys(PROVINCES_BEFORE_2025)).toHaveLength(63);
  });

  it('keeps the codes the domain relies on', () => {
    expect(PROVINCES_2025['01']).toBe('Thành phố Hà Nội');
    expect(PROVINCES_BEFORE_2025['42']).toBe('Tỉnh Hà Tĩnh');
    expect(PROVINCES_2025['96']).toBe('Tỉnh Cà Mau');
  });
});
