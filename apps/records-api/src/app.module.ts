import { HealthModule, type Database } from '@caudal/platform';
import { ContactsRepository } from '@caudal/records';
import { Module, type DynamicModule } from '@nestjs/common';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { TokenRegistry } from './auth/tokens';
import { ContactsController } from './contacts/contacts.controller';

/** The records API over an already opened (and migrated) records database. */
@Module({})
export class AppModule {
  static forRecords(records: Database, tokens: TokenRegistry): DynamicModule {
    return {
      module: AppModule,
      imports: [HealthModule.register([{ name: 'records', check: () => records.ping() }])],
      controllers: [ContactsController],
      providers: [
        {
          provide: ContactsRepository,
          useValue: new ContactsRepository(records.pgPool(), { pglite: records.pglite }),
        },
        { provide: TokenRegistry, useValue: tokens },
        BearerAuthGuard,
      ],
    };
  }
}
