import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { defineEndpoint, defineEvent } from '@gridwork/contracts';

/*
 * The contract of `probe`, a throw-away service that the messaging tests and
 * fault drills use: a request that stores a widget, and the event announcing it.
 */

export class WidgetTag {
  @IsString() @Length(1, 20) label: string;
}

export class CreateWidgetRequest {
  @IsString() @Length(1, 100) name: string;
  @IsInt() @Min(0) count: number;
  @IsOptional() @ValidateNested() @Type(() => WidgetTag) tag?: WidgetTag;
}

export class WidgetReply {
  @IsString() id: string;
  @IsString() servedBy: string;
  /** The department system that asked, when one did. */
  @IsOptional() @IsString() actingDepartment?: string;
}

export class WidgetCreated {
  @IsString() id: string;
  @IsString() name: string;
  @IsInt() count: number;
}

export const probe = {
  widget: {
    create: defineEndpoint({
      service: 'probe',
      aggregate: 'widget',
      action: 'create',
      summary: 'Stores a widget and announces it.',
      request: CreateWidgetRequest,
      reply: WidgetReply,
      departments: true,
    }),
    created: defineEvent({ service: 'probe', aggregate: 'widget', event: 'created', summary: 'A widget was stored.', payload: WidgetCreated }),
  },
};

