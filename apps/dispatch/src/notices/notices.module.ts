import { Module } from '@nestjs/common';
import { NoticeHandlers } from './notice.handlers.js';
import type { Feature } from '@gridwork/runtime';

/** Durable notices to department systems about their own cases (`gov.evt.dispatch.notice.<department>.<kind>`). */
@Module({ providers: [NoticeHandlers] })
export class NoticesModule {}

export const noticesFeature: Feature = { module: NoticesModule };
