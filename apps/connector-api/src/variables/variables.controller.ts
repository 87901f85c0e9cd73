import { ReadingsRepository } from '@caudal/telemetry';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

@ApiTags('variables')
@Controller('v1/variables')
export class VariablesController {
  constructor(private readonly repository: ReadingsRepository) {}

  @Get()
  @ApiOperation({ summary: 'Each variable with its unit and the first / last timestamp that has a value' })
  async list() {
    const coverage = await this.repository.coverage();
    return {
      variables: coverage.map((v) => ({
        name: v.name,
        unit: v.unit,
        description: v.description,
        first: v.first?.toISOString() ?? null,
        last: v.last?.toISOString() ?? null,
      })),
    };
  }
}
