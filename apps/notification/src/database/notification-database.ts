import { RecipientEntity } from '../recipients/recipient.entity';
import { CreateRecipients1763884800000 } from './migrations/1763884800000-CreateRecipients';

export const NOTIFICATION_SCHEMA = 'notification';
export const NOTIFICATION_ENTITIES = [RecipientEntity];
export const NOTIFICATION_MIGRATIONS = [CreateRecipients1763884800000];
