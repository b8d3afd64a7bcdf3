/** What the OpenAPI generator (tools/openapi) reads of the gateway besides its definition. */
export { OPERATION_DOC, type OperationDoc } from './operation.js';
export { GATEWAY_ERROR_STATUS } from '../http/errors.js';
