export interface MessagingStandInOptions {
  smsApiKey: string;
  smsBrandnames: string[];
  zaloAccessToken: string;
}
export const STAND_IN_OPTIONS = Symbol('STAND_IN_OPTIONS');
