import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { parse } from 'yaml';
import { GridworkError } from '@gridwork/contracts';
import { Operation } from './operation.js';

/** The checked-in document (`npm run openapi` writes it; `npm test` checks it is current), beside the package's src/ and dist/. */
const DOCUMENT_TEXT = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../openapi.yaml'), 'utf8');
const DOCUMENT = parse(DOCUMENT_TEXT) as Record<string, unknown>;

/** Swagger UI's own files, served as they come in `swagger-ui-dist`. */
const UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const UI_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Gridwork gateway API</title>
  <link rel="stylesheet" href="/docs/ui/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/ui/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/ui/swagger-ui-bundle.js"></script>
  <script src="/docs/ui/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/ui/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/docs/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: false,
});
`;

interface Sent {
  setHeader(name: string, value: string): void;
}

/** `/docs`: the OpenAPI document and a browsable UI for it, open to anyone (it says nothing a caller could not find out). */
@Controller('docs')
export class DocsController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Operation({ summary: 'The API, browsable (Swagger UI).', signedIn: false })
  page(): string {
    return PAGE;
  }

  @Get('openapi.json')
  @Operation({ summary: 'This document, as JSON.', signedIn: false })
  json(): Record<string, unknown> {
    return DOCUMENT;
  }

  @Get('openapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @Operation({ summary: 'This document, as YAML.', signedIn: false })
  yaml(): string {
    return DOCUMENT_TEXT;
  }

  @Get('ui/init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Operation({ summary: "Starts Swagger UI on this document (the page's script).", signedIn: false })
  init(): string {
    return INIT;
  }

  @Get('ui/:file')
  @Operation({ summary: "Swagger UI's files.", signedIn: false, errors: ['NOT_FOUND'] })
  file(@Param('file') file: string, @Res({ passthrough: true }) reply: Sent): Buffer {
    const type = Object.hasOwn(UI_FILES, file) ? UI_FILES[file] : undefined;
    if (!type) throw GridworkError.notFound(`docs file ${file}`);
    reply.setHeader('Content-Type', type);
    reply.setHeader('Cache-Control', 'public, max-age=86400');
    return readFileSync(join(UI_DIR, file));
  }
}
