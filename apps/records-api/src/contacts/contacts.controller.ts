import {
  ContactNotFoundError,
  ContactsRepository,
  DuplicateEmailError,
  parseContactSort,
  VersionMismatchError,
  type ContactFields,
  type ContactPatch,
  type StoredContact,
} from '@caudal/records';
import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Patch,
  Post,
  PreconditionFailedException,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { BearerAuthGuard, RequireRole } from '../auth/bearer-auth.guard';
import { ContactIdParam } from './contact-id.param';
import { CreateContactDto, PatchContactDto } from './dto/contact-body.dto';
import { ListContactsQueryDto } from './dto/list-contacts-query.dto';
import { contactEtag, expectedVersions, matchesNoneMatch, parseIfMatch } from './etag';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Domain errors of the repository as HTTP answers. */
function toHttp(error: unknown): never {
  if (error instanceof ContactNotFoundError) throw new NotFoundException(error.message);
  if (error instanceof VersionMismatchError) throw new PreconditionFailedException(error.message);
  if (error instanceof DuplicateEmailError) throw new ConflictException(error.message);
  throw error;
}

function normalize<T extends ContactPatch>(fields: T): T {
  return {
    ...fields,
    ...(fields.state !== undefined && { state: fields.state.toUpperCase() }),
    ...(fields.email !== undefined && { email: fields.email.toLowerCase() }),
    ...(fields.departments !== undefined && { departments: [...new Set(fields.departments)] }),
  };
}

function sendContact(reply: FastifyReply, contact: StoredContact, status = HttpStatus.OK): FastifyReply {
  return reply
    .status(status)
    .header('etag', contactEtag(contact.id, contact.version))
    .type(JSON_TYPE)
    .send(contact.json);
}

/** The versions a PATCH or DELETE may find, from If-Match (required: a write without it could lose an update). */
function requiredIfMatch(header: string | undefined, id: number) {
  const ifMatch = parseIfMatch(header);
  if (ifMatch.kind === 'absent') {
    throw new HttpException(
      'If-Match is required: send the ETag of the contact you read (or * to overwrite any version)',
      HttpStatus.PRECONDITION_REQUIRED,
    );
  }
  if (ifMatch.kind === 'bad') throw new BadRequestException('If-Match must be * or a list of quoted ETags');
  return expectedVersions(ifMatch, id);
}

@ApiTags('contacts')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No or an unknown bearer token' })
@UseGuards(BearerAuthGuard)
@Controller('v1/contacts')
export class ContactsController {
  constructor(@Inject(ContactsRepository) private readonly contacts: ContactsRepository) {}

  @Get()
  @RequireRole('reader')
  @ApiOperation({ summary: 'List contacts: filters, free text, sorting, limit/offset with the total' })
  @ApiResponse({ status: 200, description: '{ items, total, limit, offset }; a weak ETag' })
  @ApiResponse({ status: 304, description: 'If-None-Match holds the current ETag' })
  @ApiResponse({ status: 422, description: 'A bad parameter; details name each one' })
  async list(
    @Query() dto: ListContactsQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const sort = parseContactSort(dto.sort);
    const page = await this.contacts.list({
      state: dto.state,
      city: dto.city,
      company: dto.company,
      department: dto.department,
      q: dto.q,
      sort: Array.isArray(sort) ? sort : [],
      limit: dto.limit,
      offset: dto.offset,
    });
    // A weak tag of the page's bytes: a client polling a list gets 304 while nothing in it changed.
    const etag = `W/"${createHash('sha1').update(page).digest('base64url')}"`;
    if (matchesNoneMatch(ifNoneMatch, etag)) {
      await reply.status(HttpStatus.NOT_MODIFIED).header('etag', etag).send();
      return;
    }
    await reply.header('etag', etag).type(JSON_TYPE).send(page);
  }

  @Get(':id')
  @RequireRole('reader')
  @ApiOperation({ summary: 'One contact, with its ETag' })
  @ApiResponse({ status: 200, description: 'The contact; ETag header' })
  @ApiResponse({ status: 304, description: 'If-None-Match holds the current ETag' })
  @ApiResponse({ status: 404, description: 'No contact with this id (or an id beyond the id column)' })
  @ApiResponse({ status: 422, description: 'The id is not a positive integer' })
  async get(
    @ContactIdParam() id: number,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const contact = await this.contacts.get(id);
    if (!contact) throw new NotFoundException(`no contact with id ${id}`);
    const etag = contactEtag(contact.id, contact.version);
    if (matchesNoneMatch(ifNoneMatch, etag)) {
      await reply.status(HttpStatus.NOT_MODIFIED).header('etag', etag).send();
      return;
    }
    await sendContact(reply, contact);
  }

  @Post()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create a contact (admin)' })
  @ApiResponse({ status: 201, description: 'Created; Location and ETag headers' })
  @ApiResponse({ status: 400, description: 'The body is not JSON' })
  @ApiResponse({ status: 403, description: 'A reader token' })
  @ApiResponse({ status: 409, description: 'The email belongs to another contact' })
  @ApiResponse({ status: 413, description: 'The body is larger than 1 MiB' })
  @ApiResponse({ status: 422, description: 'Bad or unknown fields; details name each one' })
  async create(@Body() dto: CreateContactDto, @Res() reply: FastifyReply): Promise<void> {
    const fields: ContactFields = normalize({
      first_name: dto.first_name,
      last_name: dto.last_name,
      company_name: dto.company_name ?? null,
      address: dto.address ?? null,
      city: dto.city ?? null,
      state: dto.state,
      zip: dto.zip ?? null,
      phone1: dto.phone1 ?? null,
      phone2: dto.phone2 ?? null,
      email: dto.email,
      departments: dto.departments,
    });
    const contact = await this.contacts.create(fields).catch(toHttp);
    await sendContact(reply.header('location', `/v1/contacts/${contact.id}`), contact, HttpStatus.CREATED);
  }

  @Patch(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Change some fields of a contact (admin); needs If-Match' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag last read, or *' })
  @ApiResponse({ status: 200, description: 'The changed contact; new ETag' })
  @ApiResponse({
    status: 400,
    description: 'The body is not JSON, or If-Match is neither * nor a list of ETags',
  })
  @ApiResponse({ status: 403, description: 'A reader token' })
  @ApiResponse({ status: 404, description: 'No contact with this id (or an id beyond the id column)' })
  @ApiResponse({ status: 409, description: 'The email belongs to another contact' })
  @ApiResponse({ status: 412, description: 'The contact changed since that ETag' })
  @ApiResponse({ status: 413, description: 'The body is larger than 1 MiB' })
  @ApiResponse({
    status: 422,
    description: 'Bad or unknown fields, or an id that is not a positive integer; details name each one',
  })
  @ApiResponse({ status: 428, description: 'No If-Match header' })
  async update(
    @ContactIdParam() id: number,
    @Body() dto: PatchContactDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const expected = requiredIfMatch(ifMatch, id);
    const patch: ContactPatch = normalize(
      Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as ContactPatch,
    );
    const contact = await this.contacts.update(id, patch, expected).catch(toHttp);
    await sendContact(reply, contact);
  }

  @Delete(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Delete a contact (admin); needs If-Match' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag last read, or *' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 400, description: 'If-Match is neither * nor a list of ETags' })
  @ApiResponse({ status: 403, description: 'A reader token' })
  @ApiResponse({ status: 404, description: 'No contact with this id (or an id beyond the id column)' })
  @ApiResponse({ status: 412, description: 'The contact changed since that ETag' })
  @ApiResponse({ status: 422, description: 'The id is not a positive integer' })
  @ApiResponse({ status: 428, description: 'No If-Match header' })
  async remove(
    @ContactIdParam() id: number,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const expected = requiredIfMatch(ifMatch, id);
    await this.contacts.delete(id, expected).catch(toHttp);
    await reply.status(HttpStatus.NO_CONTENT).send();
  }
}
