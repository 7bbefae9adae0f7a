// The TLS pair is checked once at start-up, where the variables can be named: a key that is encrypted
// or not a key, a certificate that does not parse, or a key that does not belong to the certificate
// would otherwise surface later as a stack trace, or as handshakes that fail for every client.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { ConfigError } from '../errors.js';

export interface TlsPairFiles {
  readonly certFile: string;
  readonly certEnv: string;
  readonly keyFile: string;
  readonly keyEnv: string;
}

export function checkTlsPair(cert: Buffer, key: Buffer, files: TlsPairFiles): void {
  const privateKey = parseKey(key, files);
  let leaf: X509Certificate;
  try {
    // The first certificate of the chain is the server's own (RFC 8446 §4.4.2).
    leaf = new X509Certificate(cert);
  } catch {
    throw new ConfigError(files.certEnv, files.certFile, 'not a readable PEM certificate');
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new ConfigError(files.keyEnv, files.keyFile, `not the private key of the certificate in ${files.certEnv}`);
  }
}

function parseKey(key: Buffer, files: TlsPairFiles): KeyObject {
  try {
    return createPrivateKey(key);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ERR_MISSING_PASSPHRASE' ? 'an encrypted key (a passphrase is not supported)' : 'not a readable PEM private key';
    throw new ConfigError(files.keyEnv, files.keyFile, why);
  }
}
