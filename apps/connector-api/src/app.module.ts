import { HealthModule, type Database } from '@caudal/platform';
import { ReadingsRepository } from '@caudal/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import { ReadingsController } from './readings/readings.controller';
import { ReadingsService } from './readings/readings.service';
import { VariablesController } from './variables/variables.controller';

/** The connector API over an already opened (and migrated) source database. */
@Module({})
export class AppModule {
  static forSource(source: Database): DynamicModule {
    return {
      module: AppModule,
      imports: [HealthModule.register([{ name: 'source', check: () => source.ping() }])],
      controllers: [ReadingsController, VariablesController],
      providers: [
        {
          provide: ReadingsRepository,
          useValue: new ReadingsRepository(source.pgPool(), { pglite: source.pglite }),
        },
        ReadingsService,
      ],
    };
  }
}
