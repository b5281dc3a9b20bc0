// Public surface of @rampart/security/express: for applications on @nestjs/platform-express.
export { PrototypedExpressAdapter } from './prototyped-express.adapter';
