import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type GetVolunteerStarRequest,
  type SetStarLevelsRequest,
  type StarLevel,
  type StarLevels,
  type VolunteerStar,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { compact } from '@gridwork/persistence';

interface LevelRow {
  star: number;
  minutes: number;
  benefits: string[];
}

interface StarRow {
  volunteer_id: string;
  lifetime_minutes: number;
  star: number;
  reached_at: Date | null;
}

const levelOf = (row: LevelRow): StarLevel => ({ star: row.star, minutes: row.minutes, benefits: row.benefits });

/** Stars: sole writer of `star_level` and `volunteer_star`. */
@Injectable()
export class StarsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Replaces the scale. A platform-wide setting: an actor acting within areas may not change it. */
  setLevels(request: SetStarLevelsRequest): Promise<StarLevels> {
    if (request.actor.areas) throw new GridworkError(ErrorCode.FORBIDDEN, `the star scale holds everywhere; ${request.actor.id} acts only within ${request.actor.areas.join(', ')}`);
    const wrong = request.levels.flatMap((level, i) => {
      const messages: string[] = [];
      if (level.star !== i + 1) messages.push(`levels[${i}].star must be ${i + 1}: stars go 1, 2, … in order`);
      if (i > 0 && level.minutes <= request.levels[i - 1]!.minutes) messages.push(`levels[${i}].minutes must be more than the star below needs`);
      return messages.length ? [{ field: `levels[${i}]`, messages }] : [];
    });
    if (wrong.length) throw GridworkError.validation(wrong);
    return this.dataSource.transaction(async (em) => {
      // Taken before the scale changes, so a verification in flight reads the old scale or the new, never half of each.
      await em.query(`LOCK TABLE star_level IN EXCLUSIVE MODE`);
      await em.query(`DELETE FROM star_level`);
      for (const level of request.levels) {
        await em.query(`INSERT INTO star_level (star, minutes, benefits, set_by) VALUES ($1, $2, $3, $4)`, [level.star, level.minutes, level.benefits, request.actor.id]);
      }
      return { levels: (await this.scale(em)).map(levelOf) };
    });
  }

  async levels(): Promise<StarLevels> {
    return { levels: (await this.scale(this.dataSource.manager)).map(levelOf) };
  }

  async get(request: GetVolunteerStarRequest): Promise<VolunteerStar> {
    const em = this.dataSource.manager;
    const [known] = await em.query<{ id: string }[]>(`SELECT id FROM volunteer WHERE id = $1`, [request.volunteerId]);
    if (!known) throw GridworkError.notFound(`volunteer ${request.volunteerId}`);
    const [row] = await em.query<StarRow[]>(`SELECT * FROM volunteer_star WHERE volunteer_id = $1`, [request.volunteerId]);
    return this.starOf(request.volunteerId, row, await this.scale(em));
  }

  /**
   * Adds verified minutes to a volunteer's lifetime, in the verifying
   * transaction, and raises their star when they pass a threshold,
   * announcing it. A star is never lowered (a scale raised later keeps the
   * stars already reached).
   */
  async addVerified(em: EntityManager, volunteerId: string, minutes: number, at: Date): Promise<VolunteerStar> {
    const scale = await em.query<LevelRow[]>(`SELECT star, minutes, benefits FROM star_level ORDER BY star FOR SHARE`);
    const [row] = await em.query<StarRow[]>(
      `INSERT INTO volunteer_star (volunteer_id, lifetime_minutes) VALUES ($1, $2)
       ON CONFLICT (volunteer_id) DO UPDATE SET lifetime_minutes = volunteer_star.lifetime_minutes + EXCLUDED.lifetime_minutes
       RETURNING *`,
      [volunteerId, minutes],
    );
    const earned = scale.filter((level) => level.minutes <= row!.lifetime_minutes).pop();
    if (earned && earned.star > row!.star) {
      await em.query(`UPDATE volunteer_star SET star = $2, reached_at = $3 WHERE volunteer_id = $1`, [volunteerId, earned.star, at]);
      await publishInTransaction(em, subjects.timebank.star.reached, {
        volunteerId,
        star: earned.star,
        previousStar: row!.star,
        lifetimeMinutes: row!.lifetime_minutes,
        benefits: earned.benefits,
        reachedAt: at.toISOString(),
      });
      return this.starOf(volunteerId, { ...row!, star: earned.star, reached_at: at }, scale);
    }
    return this.starOf(volunteerId, row, scale);
  }

  private starOf(volunteerId: string, row: StarRow | undefined, scale: LevelRow[]): VolunteerStar {
    const star = row?.star ?? 0;
    return compact<VolunteerStar>({
      volunteerId,
      star,
      lifetimeMinutes: row?.lifetime_minutes ?? 0,
      benefits: scale.find((l) => l.star === star)?.benefits ?? [],
      nextStarMinutes: scale.find((l) => l.star > star)?.minutes,
      reachedAt: row?.reached_at?.toISOString(),
    });
  }

  private scale(em: EntityManager): Promise<LevelRow[]> {
    return em.query<LevelRow[]>(`SELECT star, minutes, benefits FROM star_level ORDER BY star`);
  }
}
