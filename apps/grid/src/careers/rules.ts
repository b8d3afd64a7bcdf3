import {
  CAREER_POSITIONS,
  LADDER_GRADES,
  POSTS,
  type AnnualGrade,
  type CareerPosition,
  type FieldError,
  type Post,
  type PostRange,
} from '@gridwork/contracts';

/*
 * The career rules as plain functions, so each is stated once and tested
 * without a database. The contract (AnnualResult, SetLadderRequest,
 * RollReservePoolRequest) documents them for callers.
 */

export type Ranges = Record<Post, { lowestGrade: number; highestGrade: number }>;

/** The position one step up the chain, or undefined at the top (secretary). */
export function nextPosition(position: CareerPosition): CareerPosition | undefined {
  return CAREER_POSITIONS[CAREER_POSITIONS.indexOf(position) + 1];
}

/**
 * Problems with a proposed ladder. The ranges must run from 1 (staff) to 18
 * (head) with no hole between posts, and neither end may fall going up, so
 * that a promotion can always keep the current grade or raise it.
 */
export function ladderProblems(posts: PostRange[]): FieldError[] {
  const problems: string[] = [];
  const byPost = new Map(posts.map((p) => [p.post, p]));
  if (byPost.size !== POSTS.length) problems.push(`give each post once: ${POSTS.join(', ')}`);
  else {
    const [staff, deputy, head] = POSTS.map((p) => byPost.get(p)!);
    for (const p of [staff!, deputy!, head!]) {
      if (p.lowestGrade > p.highestGrade) problems.push(`${p.post}: lowestGrade is above highestGrade`);
    }
    if (staff!.lowestGrade !== 1) problems.push('staff must start at grade 1');
    if (head!.highestGrade !== LADDER_GRADES) problems.push(`head must end at grade ${LADDER_GRADES}`);
    for (const [lower, upper] of [
      [staff!, deputy!],
      [deputy!, head!],
    ] as const) {
      if (upper.lowestGrade < lower.lowestGrade || upper.highestGrade < lower.highestGrade) {
        problems.push(`${upper.post} must not start or end below ${lower.post}`);
      }
      if (upper.lowestGrade > lower.highestGrade + 1) problems.push(`grades between ${lower.post} and ${upper.post} belong to no post`);
    }
  }
  return problems.length > 0 ? [{ field: 'posts', messages: problems }] : [];
}

/** Weights of the year's monthly, quarterly and annual scores in the composite. */
export const COMPOSITE_WEIGHTS = { monthly: 0.2, quarterly: 0.3, annual: 0.5 } as const;

const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * 0.2 × mean monthly + 0.3 × mean quarterly + 0.5 × annual score; a part with
 * no records gives its weight to the others in proportion.
 */
export function compositeScore(monthly: number[], quarterly: number[], annual: number): number {
  const parts: Array<[number, number]> = [[COMPOSITE_WEIGHTS.annual, annual]];
  if (monthly.length > 0) parts.push([COMPOSITE_WEIGHTS.monthly, mean(monthly)]);
  if (quarterly.length > 0) parts.push([COMPOSITE_WEIGHTS.quarterly, mean(quarterly)]);
  const weight = parts.reduce((sum, [w]) => sum + w, 0);
  return round2(parts.reduce((sum, [w, score]) => sum + w * score, 0) / weight);
}

/** Each grade needs both a composite score and a resident satisfaction at least this high; best first. */
export const GRADE_THRESHOLDS: ReadonlyArray<{ grade: AnnualGrade; composite: number; satisfaction: number }> = [
  { grade: 'excellent', composite: 90, satisfaction: 90 },
  { grade: 'competent', composite: 75, satisfaction: 80 },
  { grade: 'basically-competent', composite: 60, satisfaction: 70 },
];

/** The best grade whose both bars are met; a high score cannot make up for residents' dissatisfaction. */
export function annualGradeOf(composite: number, satisfaction: number): AnnualGrade {
  return GRADE_THRESHOLDS.find((t) => composite >= t.composite && satisfaction >= t.satisfaction)?.grade ?? 'incompetent';
}

/**
 * The pay grade after an annual review: excellent +1; competent counts a
 * year and the second counted year gives +1; basically competent keeps the
 * grade; incompetent −1. Kept within the post's range; anything but a
 * competent year that does not yet give a step restarts the count.
 */
export function gradeAfterReview(
  result: AnnualGrade,
  current: { grade: number; competentYears: number },
  range: { lowestGrade: number; highestGrade: number },
): { grade: number; competentYears: number } {
  const clamp = (g: number) => Math.min(Math.max(g, range.lowestGrade), range.highestGrade);
  switch (result) {
    case 'excellent':
      return { grade: clamp(current.grade + 1), competentYears: 0 };
    case 'competent':
      return current.competentYears + 1 >= 2
        ? { grade: clamp(current.grade + 1), competentYears: 0 }
        : { grade: clamp(current.grade), competentYears: current.competentYears + 1 };
    case 'basically-competent':
      return { grade: clamp(current.grade), competentYears: 0 };
    case 'incompetent':
      return { grade: clamp(current.grade - 1), competentYears: 0 };
  }
}

/** Grades good enough to stay in, or be nominated into, the reserve pool (优进劣退). */
export const POOL_GRADES: readonly AnnualGrade[] = ['excellent', 'competent'];
