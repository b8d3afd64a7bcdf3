import { Algorithm, hash, verify } from '@node-rs/argon2';

/*
 * Passwords are kept as argon2id hashes (salted, slow, memory-hard), with
 * the library's defaults, which follow OWASP's minimum (19 MiB, 2 passes).
 * The parameters are inside each hash, so raising them later leaves old
 * hashes readable.
 */

export const hashPassword = (password: string): Promise<string> => hash(password, { algorithm: Algorithm.Argon2id });

export const passwordMatches = (passwordHash: string, password: string): Promise<boolean> => verify(passwordHash, password).catch(() => false);

/** Checked against when the username is unknown, so that a wrong username takes as long as a wrong password. */
let decoy: Promise<string> | undefined;
export const spendVerifyTime = async (password: string): Promise<void> => {
  decoy ??= hashPassword('not a password anyone has');
  await passwordMatches(await decoy, password);
};
