import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Header } from '@nestjs/common';
import { Operation } from '../api-docs/operation.js';

/** The console's files, beside the package's src/ and dist/ (apps/gateway/console), read once. */
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../console');
const file = (name: string) => readFileSync(join(DIR, name), 'utf8');
const PAGE = file('index.html');
const SCRIPT = file('console.js');
const STYLE = file('console.css');

/**
 * `/console`: the web console for people at the dispatcher's desk, in a
 * department or in a grid: sign in, their cases, a case with its timeline
 * and the actions its state allows. A page of the gateway's own origin on
 * its own API, so the content security policy allows nothing else.
 */
@Controller('console')
export class ConsoleController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Operation({ summary: 'The web console (sign in, cases, a case and its actions).', signedIn: false })
  page(): string {
    return PAGE;
  }

  @Get('console.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Operation({ summary: "The console's script.", signedIn: false })
  script(): string {
    return SCRIPT;
  }

  @Get('console.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Operation({ summary: "The console's style.", signedIn: false })
  style(): string {
    return STYLE;
  }
}
