// Types of the generated validator (scripts/gen-schema-validator.mjs).
import type { ErrorObject } from "ajv";

export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export const validate: GeneratedValidator;
export default validate;
