import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The Ed25519 key that signs the log's checkpoints. It lives in a file outside
 * the database, so that whoever controls the database cannot sign a checkpoint
 * over a rewritten log. Its id is the first 16 hex digits of the SHA-256 of the
 * public key's DER (SPKI) form.
 */
export class CheckpointKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
  private readonly publicKey: KeyObject;

  private constructor(private readonly privateKey: KeyObject | null, publicKey: KeyObject) {
    this.publicKey = publicKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyIdOf(publicKey);
  }

  /** Reads the private key in `path` (PKCS#8 PEM); with `create`, writes a new one there (mode 0600) when the file is missing. */
  static fromFile(path: string, create: boolean): { key: CheckpointKey; created: boolean } {
    if (!existsSync(path)) {
      if (!create) throw new Error(`the checkpoint key file ${path} does not exist`);
      const { privateKey } = generateKeyPairSync('ed25519');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      return { key: new CheckpointKey(privateKey, createPublicKey(privateKey)), created: true };
    }
    const privateKey = createPrivateKey(readFileSync(path));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the checkpoint key in ${path} is not an Ed25519 key`);
    return { key: new CheckpointKey(privateKey, createPublicKey(privateKey)), created: false };
  }

  /** A key that only verifies (an exported public key). */
  static fromPublicKey(pem: string): CheckpointKey {
    return new CheckpointKey(null, createPublicKey(pem));
  }

  /** A base64 Ed25519 signature of the text. */
  sign(text: string): string {
    if (!this.privateKey) throw new Error('this checkpoint key can only verify');
    return sign(null, Buffer.from(text, 'utf8'), this.privateKey).toString('base64');
  }

  verify(text: string, signature: string): boolean {
    try {
      return verify(null, Buffer.from(text, 'utf8'), this.publicKey, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}
