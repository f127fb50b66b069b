// Verifies a keyed (public key hint, no transparency log) Sigstore bundle with sigstore-js.
// usage: node verify.js BUNDLE PUBLIC_KEY_PEM TRUSTED_ROOT   -> prints "verified", exit 0; else exit 1
'use strict';
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const [bundlePath, keyPath, rootPath] = process.argv.slice(2);
try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const hint = bundle.verificationMaterial.content.publicKey.hint;
  const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8')));
  // The caller pins the key: whatever hint the bundle names resolves to this key only.
  const material = toTrustMaterial(root, { [hint]: { rawBytes: fs.readFileSync(keyPath, 'utf8') } });
  // Offline keyed attestation: no tlog, SCT or timestamp is expected.
  const verifier = new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, tsaThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  console.log('verified');
} catch (e) {
  console.error(`sigstore-js: ${e.code || ''} ${e.message}`);
  process.exit(1);
}
