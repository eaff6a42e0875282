export * from './envelope';
export * from './events';
export * from './values/admin-unit';
export * from './values/bank';
export * from './values/cccd';
export * from './values/money';
export * from './values/province-codes';
