import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { ConsoleController } from './console.controller.js';

/** `/console`: the web console. */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}

export const consoleFeature: Feature = { module: ConsoleModule };
