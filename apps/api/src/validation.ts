import { Transform } from 'class-transformer';
import { IsOptional, ValidateIf, ValidationOptions } from 'class-validator';

/**
 * The shared vocabulary of request DTOs: one decorator per rule, so every DTO trims, lower-cases
 * and skips absent fields the same way. Use these instead of writing the transform again. The
 * checks themselves stay class-validator's own (`@IsEmail()`, `@IsUUID()`, `@MaxLength()`): the
 * OpenAPI plugin reads those from the DTO for the document's `format` and bounds.
 */

const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

/** Surrounding white space is dropped before validation (a name of only spaces then fails MinLength(1)). */
export const Trim = () => Transform(({ value }) => trimmed(value));

/** Trimmed and lower-cased (a slug, a key someone typed): compared as stored. */
export const TrimLowerCase = () =>
  Transform(({ value }) => {
    const value_ = trimmed(value);
    return typeof value_ === 'string' ? value_.toLowerCase() : value_;
  });

/**
 * An email address as we store and compare it: trimmed and lower-cased before validation. Pair it
 * with `@IsEmail()` and `@MaxLength(254)`, which stay on the DTO so the OpenAPI document shows them.
 */
export const ToEmail = () => TrimLowerCase();

/**
 * A field that may be left out. `nullable: true`: `null` is accepted too (it clears a value) and
 * skips the other checks. Without it, `null` is checked like any value, so `@IsString()` refuses it.
 */
export const Optional = ({ nullable = false, ...options }: { nullable?: boolean } & ValidationOptions = {}) =>
  nullable ? IsOptional(options) : ValidateIf((_object, value) => value !== undefined, options);
