import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseConfig } from '../config/platform-config';
import { ROLES, type Principal } from './principal';
import { issueToken } from './token-issuer';

// Dev command: prints a signed token for a role and area, e.g.
//   npm run token -- --role officer --sub can.bo.ht --province 42 --commune 18073
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    sub: { type: 'string' },
    province: { type: 'string' },
    commune: { type: 'string' },
    bank: { type: 'string' },
    expires: { type: 'string', default: '8h' },
  },
});

const config = parseConfig(z.object({ JWT_SECRET: z.string().min(32) }), process.env);
if (!values.role || !(ROLES as readonly string[]).includes(values.role)) {
  console.error(`--role must be one of: ${ROLES.join(', ')}`);
  process.exit(2);
}
const principal: Principal = {
  sub: values.sub ?? `${values.role}.dev`,
  role: values.role as Principal['role'],
  ...(values.province ? { provinceCode: values.province } : {}),
  ...(values.commune ? { communeCode: values.commune } : {}),
  // a BIN for a bank; MOMO, VNPOST… for an e-wallet or the post office
  ...(values.bank ? (/^\d{6}$/.test(values.bank) ? { bankBin: values.bank } : { institutionCode: values.bank }) : {}),
};
console.log(issueToken(config.JWT_SECRET, principal, values.expires as `${number}h`));
