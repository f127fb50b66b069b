// Verifies a keyless (Fulcio certificate + Rekor entry) Sigstore bundle with sigstore-js against a
// given trusted root, requiring one tlog entry, one SCT and the expected identity.
// usage: node verify-keyless.js BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER -> prints "verified", exit 0; else exit 1
'use strict';
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const [bundlePath, artifactPath, rootPath, identity, issuer] = process.argv.slice(2);
try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8')));
  const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1, tsaThreshold: 0, timestampThreshold: 1 });
  verifier.verify(toSignedEntity(bundle, fs.readFileSync(artifactPath)), { subjectAlternativeName: identity, extensions: { issuer } });
  console.log('verified');
} catch (e) {
  console.error(`sigstore-js: ${e.code || ''} ${e.message}`);
  process.exit(1);
}
