import { ContactPreferenceEntity } from '../recipients/contact-preference.entity';
import { RecipientEntity } from '../recipients/recipient.entity';
import { CreateRecipients1763884800000 } from './migrations/1763884800000-CreateRecipients';
import { CreateNotices1763900000000 } from './migrations/1763900000000-CreateNotices';
import { IndexMessagingRetention1764970000000 } from './migrations/1764970000000-IndexMessagingRetention';

export const NOTIFICATION_SCHEMA = 'notification';
export const NOTIFICATION_ENTITIES = [RecipientEntity, ContactPreferenceEntity];
export const NOTIFICATION_MIGRATIONS = [CreateRecipients1763884800000, CreateNotices1763900000000, IndexMessagingRetention1764970000000];
