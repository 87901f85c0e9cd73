import { IsOptional, IsString } from 'class-validator';
import { declaredFields, undeclaredFields } from './request-validation';

class Example {
  @IsString() name!: string;
  @IsOptional() @IsString() note?: string;
}

describe('undeclared fields', () => {
  const declared = declaredFields(Example);

  it('takes the properties that have rules as the declared fields', () => {
    expect([...declared].sort()).toEqual(['name', 'note']);
  });

  it('names every own key that is not declared, Object.prototype members and __proto__ included', () => {
    const body: unknown = JSON.parse(
      '{"name":"a","toString":"1","__proto__":{"x":1},"constructor":"c","prototype":"p","colour":"red"}',
    );
    expect(undeclaredFields(body, declared)).toEqual([
      'toString',
      '__proto__',
      'constructor',
      'prototype',
      'colour',
    ]);
    const query = Object.assign(Object.create(null) as object, { note: 'n', hasOwnProperty: '1' });
    expect(undeclaredFields(query, declared)).toEqual(['hasOwnProperty']);
  });

  it('finds nothing in declared-only objects and in values that are not objects', () => {
    expect(undeclaredFields({ name: 'a' }, declared)).toEqual([]);
    for (const value of [undefined, null, 'text', 3, ['x']])
      expect(undeclaredFields(value, declared)).toEqual([]);
  });
});
