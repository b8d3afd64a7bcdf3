import type { AdmissionLevel, DecidingVersion, GateAnswer, GateReason, ListKind } from '@gridwork/contracts';

/*
 * The gate's rule (社区事务准入), in one place for every service that answers it:
 *
 * 1. An unknown area or item is not admitted; nor is an item withdrawn by the day.
 * 2. A negative list in force on the day, at the area or any area above it,
 *    that holds the item refuses it, and nothing below overrides that.
 * 3. Otherwise the nearest area, from the area itself up to the city, whose
 *    admitted list for the level in force that day has an entry for the item
 *    decides: the entry admits it or excludes it.
 * 4. With no entry anywhere it is absent. When a version already published
 *    for a later day would admit it, the answer says so (not yet in force).
 *
 * Days are China-time calendar days, written YYYY-MM-DD, so they compare as strings.
 */

export interface GateQuestion {
  itemCode: string;
  level: AdmissionLevel;
  areaCode: string;
  /** The day, YYYY-MM-DD. */
  on: string;
}

/** A published version of a list on the question's area path, with the admitted flag of its entry for the item (null: no entry). */
export interface CandidateVersion {
  areaCode: string;
  kind: ListKind;
  level: AdmissionLevel | null;
  number: number;
  effectiveOn: string;
  entry: boolean | null;
}

export interface GateFacts {
  /** The area's path from the city down to the area itself; null when the area is not known. */
  path: string[] | null;
  item: { name: string; levels: AdmissionLevel[]; withdrawnOn: string | null } | null;
  /**
   * For each list on the path (the negative lists and the admitted lists of
   * the question's level): the version in force on the day, and every version
   * effective after it. `candidatesSql` reads exactly these.
   */
  versions: CandidateVersion[];
}

interface Verdict {
  admitted: boolean;
  reason?: GateReason;
  decidedBy?: CandidateVersion;
}

const listKeyOf = (v: CandidateVersion) => `${v.areaCode}\u0000${v.kind}\u0000${v.level ?? ''}`;

/** Of each list, the version in force on `day`: the latest effective day on or before it, the higher number on a tie. */
function inForce(versions: CandidateVersion[], day: string): Map<string, CandidateVersion> {
  const byList = new Map<string, CandidateVersion>();
  for (const version of versions) {
    if (version.effectiveOn > day) continue;
    const key = listKeyOf(version);
    const held = byList.get(key);
    if (!held || version.effectiveOn > held.effectiveOn || (version.effectiveOn === held.effectiveOn && version.number > held.number)) byList.set(key, version);
  }
  return byList;
}

/** Rules 2 and 3 on one day. */
function verdictOn(question: GateQuestion, path: string[], versions: CandidateVersion[], day: string): Verdict {
  const current = [...inForce(versions, day).values()];
  for (const areaCode of path) {
    const negative = current.find((v) => v.kind === 'negative' && v.areaCode === areaCode && v.entry !== null);
    if (negative) return { admitted: false, reason: 'negative-list', decidedBy: negative };
  }
  for (const areaCode of [...path].reverse()) {
    const admitted = current.find((v) => v.kind === 'admitted' && v.level === question.level && v.areaCode === areaCode && v.entry !== null);
    if (admitted) return admitted.entry ? { admitted: true, decidedBy: admitted } : { admitted: false, reason: 'excluded', decidedBy: admitted };
  }
  return { admitted: false, reason: 'absent' };
}

const versionOf = (v: CandidateVersion): DecidingVersion => ({
  areaCode: v.areaCode,
  kind: v.kind,
  ...(v.level ? { level: v.level } : {}),
  number: v.number,
  effectiveOn: v.effectiveOn,
});

const listName = (v: CandidateVersion) =>
  v.kind === 'negative' ? `the negative list of ${v.areaCode} (version ${v.number}, in force from ${v.effectiveOn})` : `the ${v.level} list of ${v.areaCode} (version ${v.number}, in force from ${v.effectiveOn})`;

/** The gate's answer to one question from the facts about it. */
export function decideAdmission(question: GateQuestion, facts: GateFacts): GateAnswer {
  const { itemCode, level, areaCode, on } = question;
  const base = { itemCode, level, areaCode, on, ...(facts.item ? { itemName: facts.item.name } : {}) };
  const subject = `item ${itemCode} at the ${level} level in ${areaCode} on ${on}`;
  const refuse = (reason: GateReason, explanation: string, decidedBy?: CandidateVersion, admittedFrom?: string): GateAnswer => ({
    ...base,
    admitted: false,
    reason,
    explanation,
    ...(decidedBy ? { decidedBy: versionOf(decidedBy) } : {}),
    ...(admittedFrom ? { admittedFrom } : {}),
  });

  if (!facts.path) return refuse('unknown-area', `${subject} is not admitted: area ${areaCode} is not known to the grid service's area tree as received here`);
  if (!facts.item) return refuse('unknown-item', `${subject} is not admitted: item ${itemCode} is not in the catalogue`);
  const { item } = facts;
  if (item.withdrawnOn !== null && item.withdrawnOn <= on) {
    return refuse('withdrawn', `${subject} is not admitted: the item was withdrawn from ${item.withdrawnOn}`);
  }
  if (!item.levels.includes(level)) {
    return refuse('absent', `${subject} is not admitted: the item is carried out only at the ${item.levels.join(' and ')} level`);
  }
  const verdict = verdictOn(question, facts.path, facts.versions, on);
  if (verdict.admitted) return { ...base, admitted: true, explanation: `${subject} is admitted by ${listName(verdict.decidedBy!)}`, decidedBy: versionOf(verdict.decidedBy!) };
  if (verdict.reason === 'negative-list') return refuse('negative-list', `${subject} is not admitted: it is on ${listName(verdict.decidedBy!)}`, verdict.decidedBy);

  // Not admitted today: does a version already published for a later day admit it (before any withdrawal)?
  const laterDays = [...new Set(facts.versions.map((v) => v.effectiveOn).filter((day) => day > on))].sort();
  for (const day of laterDays) {
    if (item.withdrawnOn !== null && item.withdrawnOn <= day) break;
    const later = verdictOn(question, facts.path, facts.versions, day);
    if (later.admitted) {
      return refuse('not-yet-in-force', `${subject} is not admitted yet: ${listName(later.decidedBy!)} admits it from ${day}`, later.decidedBy, day);
    }
  }
  if (verdict.reason === 'excluded') return refuse('excluded', `${subject} is not admitted: ${listName(verdict.decidedBy!)} excludes it`, verdict.decidedBy);
  return refuse('absent', `${subject} is not admitted: no list in force for ${areaCode} or the areas above it holds it`);
}
