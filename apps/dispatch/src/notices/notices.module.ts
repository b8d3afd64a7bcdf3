import { Module } from '@nestjs/common';
import { NoticeHandlers } from './notice.handlers.js';

/** Durable notices to department systems about their own cases (`gov.evt.dispatch.notice.<department>.<kind>`). */
@Module({ providers: [NoticeHandlers] })
export class NoticesModule {}
