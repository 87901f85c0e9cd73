import { RequestValidationException, type FieldError } from '@caudal/platform';
import {
  decodeCursor,
  encodeCursor,
  orderVariables,
  parseIsoTimestamp,
  ReadingsFormatter,
  ReadingsRepository,
  type ReadingsPageQuery,
  type ReadingsRange,
} from '@caudal/telemetry';
import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { ReadingsQueryDto } from './dto/readings-query.dto';

/** Readings as the API serves them: validated ranges, JSON pages, and NDJSON / CSV streams. */
@Injectable()
export class ReadingsService {
  constructor(private readonly repository: ReadingsRepository) {}

  /** Turns a shape-valid DTO into a page query; throws 422 for the cross-field rules. */
  toPageQuery(dto: ReadingsQueryDto): ReadingsPageQuery {
    const start = parseIsoTimestamp(dto.start)!;
    const end = parseIsoTimestamp(dto.end)!;
    const errors: FieldError[] = [];
    if (start >= end)
      errors.push({ field: 'end', message: 'end must be after start (the interval is [start, end))' });
    let after: Date | undefined;
    if (dto.cursor !== undefined) {
      after = decodeCursor(dto.cursor);
      if (!after) errors.push({ field: 'cursor', message: 'cursor is not a next_cursor this API returned' });
      else if (after < start || after >= end) {
        errors.push({
          field: 'cursor',
          message: 'cursor does not belong to the requested [start, end) range',
        });
      }
    }
    if (errors.length > 0) throw new RequestValidationException(errors);
    return {
      start,
      end,
      variables: orderVariables(dto.variables),
      limit: dto.limit,
      ...(after ? { after } : {}),
    };
  }

  async page(query: ReadingsPageQuery): Promise<string> {
    const { items, last, hasMore } = await this.repository.findPageJson(query);
    const next = hasMore && last ? encodeCursor(new Date(last)) : null;
    return new ReadingsFormatter(query.variables).jsonPageOfItems(query, items, next);
  }

  /** The whole range as text chunks, one database batch at a time. */
  stream(range: ReadingsRange, format: 'ndjson' | 'csv'): Readable {
    const formatter = new ReadingsFormatter(range.variables);
    const batches = this.repository.streamRange(range);
    async function* chunks(): AsyncGenerator<string> {
      if (format === 'csv') yield formatter.csvHeader();
      for await (const rows of batches) {
        yield format === 'csv' ? formatter.csvLines(rows) : formatter.ndjsonLines(rows);
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }
}
