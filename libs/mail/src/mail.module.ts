import { Global, Module } from '@nestjs/common';
import { MailOutbox } from './mail-outbox';
import { MailQueue } from './mail-queue';

/** The outbox writer and its queue producer, for the API (and anything else that queues mail). */
@Global()
@Module({ providers: [MailOutbox, MailQueue], exports: [MailOutbox, MailQueue] })
export class MailModule {}
