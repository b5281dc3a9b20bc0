import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import {
  SecurityModule,
  type ClientCertificate,
  type SecurityModuleOptions,
  type SecurityUser,
  type UserProvider,
} from '@rampart/security';
import { ScenarioController } from '../jwt-bearer/app.module';

/** The users of the scenario, keyed by the certificate CN that identifies them. */
export const CERTIFICATE_USERS: Readonly<Record<string, SecurityUser>> = {
  alice: { id: 'u-alice', username: 'alice', roles: ['user'] },
  admin: { id: 'u-admin', username: 'admin', roles: ['admin'] },
};

/** Maps a verified client certificate to a user by its subject CN. */
@Injectable()
export class CertificateUsers implements UserProvider {
  findById(id: string): Promise<SecurityUser | undefined> {
    return Promise.resolve(Object.values(CERTIFICATE_USERS).find((user) => user.id === id));
  }

  verifyCredentials(): Promise<SecurityUser | undefined> {
    return Promise.resolve(undefined);
  }

  findByCertificate(certificate: ClientCertificate): Promise<SecurityUser | undefined> {
    const name = certificate.commonName;
    return Promise.resolve(
      name !== undefined && Object.hasOwn(CERTIFICATE_USERS, name)
        ? CERTIFICATE_USERS[name]
        : undefined,
    );
  }
}

/** The jwt-bearer scenario's /public and /protected routes, with certificate users. */
@Module({})
export class MtlsScenarioModule {
  static with(options: SecurityModuleOptions): DynamicModule {
    return {
      module: MtlsScenarioModule,
      imports: [SecurityModule.forRoot({ ...options, userProvider: CertificateUsers })],
      controllers: [ScenarioController],
    };
  }
}
