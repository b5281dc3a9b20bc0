// Public surface of @rampart/security/testing: explicit named exports only.
// Sessions, CSRF and throttling helpers arrive with those features.
export { createSecurityTestingModule } from './security-testing-module';
export type { SecurityTestingModuleOptions } from './security-testing-module';
export { createSecurityTestingApp } from './security-testing-app';
export type { SecurityTestingAppOptions } from './security-testing-app';
export { TestClock, useTestClock } from './test-clock';
export type { TestUser } from './test-user';
export { mintAccessToken } from './mint-access-token';
export { bearer } from './bearer';
export type { BearerHeader } from './bearer';
export { mintTokenPair } from './mint-token-pair';
export { collectSecurityEvents } from './collect-security-events';
export type { SecurityEventCollector } from './collect-security-events';
