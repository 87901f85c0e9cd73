import { negotiateFormat, READINGS_FORMATS } from '@caudal/telemetry';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReadingsQueryDto } from './dto/readings-query.dto';
import { ReadingsService } from './readings.service';

const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
} as const;

@ApiTags('readings')
@Controller('v1/readings')
export class ReadingsController {
  constructor(private readonly readings: ReadingsService) {}

  @Get()
  @ApiOperation({
    summary: 'Readings in [start, end) for the chosen variables',
    description:
      `Formats: ${READINGS_FORMATS.join(', ')} (the format parameter, else the Accept header with its ` +
      'q-values; JSON when it accepts none of them). ' +
      'JSON is paginated by keyset (limit, next_cursor); NDJSON and CSV stream the whole range.',
  })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  @ApiResponse({ status: 200, description: 'Readings' })
  @ApiResponse({ status: 422, description: 'A bad parameter; details name each one' })
  async list(
    @Query() dto: ReadingsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const query = this.readings.toPageQuery(dto);
    const format = negotiateFormat(dto.format, accept);
    reply.type(CONTENT_TYPES[format]);
    if (format === 'json') {
      await reply.send(await this.readings.page(query));
      return;
    }
    await reply.send(this.readings.stream(query, format));
  }
}
