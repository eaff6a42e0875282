import { checkCccd, decodeCccd, maskCccd } from './cccd';

describe('CCCD', () => {
  it('decodes province, century/gender and birth year', () => {
    // A woman born in 1948 whose birth was registered in Hà Tĩnh (042).
    expect(decodeCccd('042148001234')).toEqual({ birthProvinceCode: '042', gender: 'female', birthYear: 1948 });
    // A man born in 2003 in Hà Nội (001): the 21st century uses 2 for men.
    expect(decodeCccd('001203998877')).toEqual({ birthProvinceCode: '001', gender: 'male', birthYear: 2003 });
  });

  it('accepts a number consistent with the declared date of birth and gender', () => {
    expect(checkCccd('042148001234', '1948-03-15', 'female')).toEqual([]);
  });

  it.each([
    ['04214800123', 'CCCD_FORMAT'],
    ['04214800123a', 'CCCD_FORMAT'],
    ['099148001234', 'CCCD_PROVINCE'], // 99 is not a pre-2025 province
    ['142148001234', 'CCCD_PROVINCE'], // prefixes start with 0
    ['003148001234', 'CCCD_PROVINCE'], // 03 was never a province code
  ])('rejects %s as %s', (cccd, problem) => {
    expect(checkCccd(cccd, '1948-03-15', 'female')).toEqual([problem]);
  });

  it('names every mismatch with the declared data', () => {
    expect(checkCccd('042148001234', '1949-03-15', 'male')).toEqual(['CCCD_GENDER_MISMATCH', 'CCCD_BIRTH_YEAR_MISMATCH']);
    // Same two digits of year, wrong century: 1948 declared, 2048 encoded.
    expect(checkCccd('042348001234', '1948-03-15', 'female')).toEqual(['CCCD_BIRTH_YEAR_MISMATCH']);
  });

  it('keeps only the last three digits when masked', () => {
    expect(maskCccd('042148001234')).toBe('*********234');
  });
});
