"""Regenerates libs/contracts/src/values/province-codes.ts from the official administrative-unit lists.

Usage: python3 scripts/generate-admin-units.py <folder with units-2025-07.csv and units-before-2025-07.csv>
"""
import csv
import pathlib
import sys

source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '../shared/data/admin-units')
target = pathlib.Path(__file__).resolve().parent.parent / 'libs/contracts/src/values/province-codes.ts'

old = {}
with open(source / 'units-before-2025-07.csv', encoding='utf-8') as f:
    rows = csv.reader(f)
    next(rows)
    for row in rows:
        old[row[1]] = row[0]
new = {}
with open(source / 'units-2025-07.csv', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        new[row['province_code']] = row['province_name']


def emit(name, table, doc):
    lines = [f"  '{k}': '{v}'," for k, v in sorted(table.items())]
    return f"/** {doc} */\nexport const {name}: Readonly<Record<string, string>> = Object.freeze({{\n" + "\n".join(lines) + "\n});\n"


out = "// Generated from the official lists (Decision 19/2025/QĐ-TTg and the pre-reform list of 2025-01-04).\n"
out += "// Regenerate with scripts/generate-admin-units.py when the lists change; never edit by hand.\n\n"
out += emit('PROVINCES_2025', new, '34 provinces and centrally-run cities in force since 1 July 2025, by 2-digit code.') + "\n"
out += emit('PROVINCES_BEFORE_2025', old, '63 provinces before 1 July 2025, by 2-digit code. CCCD birth-province prefixes are these codes with a leading 0.')
target.write_text(out, encoding='utf-8')
communes = []
with open(source / 'units-2025-07.csv', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        communes.append((row['commune_code'], row['province_code'], row['commune_name']))
communes.sort()
commune_target = target.with_name('communes-2025.ts')
commune_lines = [f"  '{code}': ['{province}', '{name}']," for code, province, name in communes]
commune_target.write_text(
    "// Generated from the official list of 1 July 2025 (Decision 19/2025/QĐ-TTg) by\n"
    "// scripts/generate-admin-units.py; never edit by hand.\n\n"
    "/** The 3,321 communes, wards and special zones in force since 1 July 2025: code → [province code, name]. */\n"
    "export const COMMUNES_2025: Readonly<Record<string, readonly [provinceCode: string, name: string]>> = Object.freeze({\n"
    + "\n".join(commune_lines) + "\n});\n",
    encoding='utf-8',
)
print(f'{len(new)} provinces (2025), {len(old)} provinces (before 2025), {len(communes)} communes -> {target.parent}')
