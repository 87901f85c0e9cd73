import {
  DepartmentsField,
  EmailField,
  OptionalText,
  RequiredText,
  StateField,
  ZipField,
} from './contact-field.decorators';

/** Body of POST /v1/contacts. Unknown fields are rejected (422). */
export class CreateContactDto {
  @RequiredText('create', 'James') first_name!: string;
  @RequiredText('create', 'Butt') last_name!: string;
  @OptionalText('Benton, John B Jr') company_name?: string | null;
  @OptionalText('6649 N Blue Gum St') address?: string | null;
  @OptionalText('New Orleans') city?: string | null;
  @StateField('create') state!: string;
  @ZipField() zip?: string | null;
  @OptionalText('504-621-8927') phone1?: string | null;
  @OptionalText('504-845-1427') phone2?: string | null;
  @EmailField('create') email!: string;
  @DepartmentsField('create') departments!: string[];
}

/** Body of PATCH /v1/contacts/:id: any subset of the fields; null clears an optional one. */
export class PatchContactDto {
  @RequiredText('patch', 'James') first_name?: string;
  @RequiredText('patch', 'Butt') last_name?: string;
  @OptionalText('Benton, John B Jr') company_name?: string | null;
  @OptionalText('6649 N Blue Gum St') address?: string | null;
  @OptionalText('New Orleans') city?: string | null;
  @StateField('patch') state?: string;
  @ZipField() zip?: string | null;
  @OptionalText('504-621-8927') phone1?: string | null;
  @OptionalText('504-845-1427') phone2?: string | null;
  @EmailField('patch') email?: string;
  @DepartmentsField('patch') departments?: string[];
}
