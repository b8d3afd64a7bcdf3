/**
 * `@gridwork/org-service/personal-data`: the cipher and settings of members'
 * personal data, for the generator that writes members as the service
 * stores them, so it never keeps a copy that drifts from the service.
 */
export { PersonalDataCipher, maskIdNumber } from './members/personal-data.js';
export { PersonalDataConfig, personalDataConfig } from './members/personal-data.config.js';
