import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the library's defaults (19 MiB, t=2): memory-hard, for passwords and API key secrets. */
export const hashSecret = (secret: string): Promise<string> => hash(secret);

export async function verifySecret(hashed: string, secret: string): Promise<boolean> {
  try {
    return await verify(hashed, secret);
  } catch {
    return false;
  }
}
