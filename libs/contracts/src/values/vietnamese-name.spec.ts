import { foldVietnamese, matchPersonName } from './vietnamese-name';

describe('foldVietnamese', () => {
  it('folds composed and decomposed input to the bank form, including đ', () => {
    const composed = 'Nguyễn Thị Đào';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(foldVietnamese(composed)).toBe('NGUYEN THI DAO');
    expect(foldVietnamese(decomposed)).toBe('NGUYEN THI DAO');
    expect(foldVietnamese('  đặng   văn  Đức ')).toBe('DANG VAN DUC');
    expect(foldVietnamese('Huỳnh Thị Ngọc Ánh')).toBe('HUYNH THI NGOC ANH');
  });
});

describe('matchPersonName', () => {
  it.each([
    ['Nguyễn Thị Đào', 'NGUYEN THI DAO', 'exact'],
    ['Nguyễn Thị Đào', 'nguyen  thi dao', 'exact'],
    ['Nguyễn Thị Đào', 'DAO NGUYEN THI', 'reordered'],
    ['Nguyễn Thị Đào', 'NGUYEN THI DAOO', 'one-typo'],
    ['Trần Văn Hùng', 'TRAN VAN HUNH', 'one-typo'],
    ['Nguyễn Thị Đào', 'NGUYEN THI HOA', 'mismatch'],
    ['Nguyễn Thị Đào', 'NGUYEN VAN DAO', 'mismatch'],
    ['Lê An', 'LE AN', 'exact'],
    ['Lê An', 'LE AY', 'mismatch'],
    ['Nguyễn Thị Đào', '', 'mismatch'],
  ])('%s vs %s → %s', (registry, bank, expected) => {
    expect(matchPersonName(registry, bank)).toBe(expected);
  });
});
