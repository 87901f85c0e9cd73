import { RequestValidationException } from '@caudal/platform';
import { Injectable, type PipeTransform } from '@nestjs/common';

/** Largest id records.people (serial) can hold; larger ids cannot exist. */
const MAX_ID = 2_147_483_647;

/** The :id path parameter: a positive integer (422 otherwise); out-of-range ids map to 0, which never exists. */
@Injectable()
export class ContactIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,20}$/.test(value) || Number(value) < 1) {
      throw new RequestValidationException([{ field: 'id', message: 'id must be a positive integer' }]);
    }
    const id = Number(value);
    return id > MAX_ID ? 0 : id;
  }
}
