// Recognizing database errors without depending on which provider raised them.
import { Prisma } from '../generated/prisma/sqlite/client';

/**
 * True for a unique-constraint violation (Prisma's P2002) on either provider: both generated clients share
 * the runtime, so one error class covers both.
 */
export function isUniqueViolation(error: unknown): error is Prisma.PrismaClientKnownRequestError {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
