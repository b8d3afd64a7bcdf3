import { Module } from '@nestjs/common';
import { CallerAreas } from './caller-areas.js';

/** The caller's-scope check every feature with requests about a place imports; it owns no table and only reads. */
@Module({ providers: [CallerAreas], exports: [CallerAreas] })
export class CallerAreasModule {}
