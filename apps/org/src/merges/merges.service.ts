import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, GridworkError, type MergeOrganizationRequest, type MergeResult } from '@gridwork/contracts';
import { JoiningService } from '../joining/joining.service.js';
import { MembersService } from '../members/members.service.js';
import { organizationOf, type OrganizationRow } from '../organizations/organization.rows.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { assertWithinAreas } from '../scope.js';

/**
 * Merging one organization into another (撤并): its members, its open
 * applications to join and its sub-organizations move there, then it is dissolved, all in one
 * transaction; each table is written by its owner.
 */
@Injectable()
export class MergesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
    private readonly joining: JoiningService,
  ) {}

  async merge(request: MergeOrganizationRequest): Promise<MergeResult> {
    return this.dataSource.transaction(async (em) => {
      await this.organizations.lockTree(em);
      const source = await this.organizations.current(em, request.id, 'FOR UPDATE');
      const into = await this.organizations.current(em, request.intoId, 'FOR UPDATE');
      assertWithinAreas(request.actor, source.area_path, `organization ${source.name}`);
      assertWithinAreas(request.actor, into.area_path, `organization ${into.name}`);
      if (source.id === into.id || into.path.startsWith(`${source.path}.`)) {
        throw new GridworkError(ErrorCode.CONFLICT, `${source.name} cannot be merged into ${into.id === source.id ? 'itself' : `${into.name}, one of its own descendants`}`);
      }
      if (source.kind !== into.kind) throw new GridworkError(ErrorCode.CONFLICT, `${source.name} is a ${source.kind} and ${into.name} a ${into.kind}: only organizations of one kind are merged`);
      const children = await em.query<OrganizationRow[]>(`SELECT * FROM organization WHERE parent_id = $1 AND dissolved_at IS NULL ORDER BY id FOR UPDATE`, [source.id]);
      for (const child of children) await this.organizations.reparent(em, child, into);
      const membersMoved = await this.members.moveAll(em, source, into);
      const applicantsMoved = await this.joining.moveOpen(em, source, into);
      const merged = await this.organizations.markDissolved(em, source, request.reason, into.id);
      const [after] = await em.query<OrganizationRow[]>(`SELECT * FROM organization WHERE id = $1`, [into.id]);
      return { merged, into: organizationOf(after!), membersMoved, applicantsMoved, organizationsMoved: children.length };
    });
  }
}
