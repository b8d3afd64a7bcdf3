import { Module } from '@nestjs/common';
import { NoticeHandlers } from './notice.handlers.js';
import { NoticeBacklog } from './notice-backlog.js';
import type { Feature } from '@gridwork/runtime';

/** Durable notices to department systems about their own cases (`gov.evt.dispatch.notice.<department>.<kind>`), and whether each department takes them (metrics). */
@Module({ providers: [NoticeHandlers, NoticeBacklog] })
export class NoticesModule {}

export const noticesFeature: Feature = { module: NoticesModule };
