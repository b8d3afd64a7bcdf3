import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE } from '../grid/areas.js';
import { CATEGORY_CODE } from './categories.js';
import { CaseOwner, Responsibility } from './common.js';

/*
 * Routing by responsibility (按责转办): a rule says who owns cases of a
 * category (and those under it) in an area (and below it). The most specific
 * rule wins: deepest area first, then deepest category; without a rule the
 * category's own responsibility holds.
 */


export class SetRoutingRuleRequest {
  @Matches(CATEGORY_CODE, { message: 'categoryCode must be a category code' }) categoryCode: string;
  /** The area (district, township, community or grid) the rule holds in; omitted for the whole city. */
  @IsOptional() @Matches(AREA_CODE, { message: 'areaCode must be an area code' }) areaCode?: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => Responsibility) responsible: Responsibility;
  @IsOptional() @IsString() @Length(0, 300) note?: string;
}

export class RoutingRule extends SetRoutingRuleRequest {
  @IsString() id: string;
  @IsString() updatedAt: string;
}

export class RemoveRoutingRuleRequest {
  @IsString() @Length(1, 60) id: string;
}

export class RemovedRoutingRule {
  @IsString() id: string;
}

export class ListRoutingRulesRequest {
  @IsOptional() @Matches(CATEGORY_CODE, { message: 'categoryCode must be a category code' }) categoryCode?: string;
  @IsOptional() @IsString() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

export class RoutingRulePage {
  @ValidateNested({ each: true }) @Type(() => RoutingRule) items: RoutingRule[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class ResolveRoutingRequest {
  @Matches(CATEGORY_CODE, { message: 'categoryCode must be a category code' }) categoryCode: string;
  @Matches(AREA_CODE, { message: 'gridCode must be an area code' }) gridCode: string;
}

export class RoutingDecision {
  @IsObject() @ValidateNested() @Type(() => CaseOwner) owner: CaseOwner;
  /** The rule that decided, absent when the category's own responsibility did. */
  @IsOptional() @IsString() ruleId?: string;
  /** Why, for the timeline: e.g. `rule 0190… (environment in 440103)`. */
  @IsString() explanation: string;
}

const service = 'dispatch';

export const routingSubjects = {
  setRule: defineEndpoint({
    service,
    aggregate: 'routing',
    action: 'set-rule',
    summary: 'Creates or replaces the routing rule for a category in an area.',
    request: SetRoutingRuleRequest,
    reply: RoutingRule,
    errors: [ErrorCode.NOT_FOUND],
  }),
  removeRule: defineEndpoint({
    service,
    aggregate: 'routing',
    action: 'remove-rule',
    summary: 'Removes a routing rule; cases already routed keep their owner.',
    request: RemoveRoutingRuleRequest,
    reply: RemovedRoutingRule,
    errors: [ErrorCode.NOT_FOUND],
  }),
  listRules: defineEndpoint({
    service,
    aggregate: 'routing',
    action: 'list-rules',
    summary: 'Routing rules, paged.',
    request: ListRoutingRulesRequest,
    reply: RoutingRulePage,
  }),
  resolve: defineEndpoint({
    service,
    aggregate: 'routing',
    action: 'resolve',
    summary: 'Who would own a case of a category in a grid, and by which rule.',
    request: ResolveRoutingRequest,
    reply: RoutingDecision,
    errors: [ErrorCode.NOT_FOUND],
  }),
};
