// Signs an in-toto statement as a DSSE Sigstore bundle with a provided ECDSA key, using
// @sigstore/sign's DSSEBundleBuilder with a custom signer and no witnesses (no Rekor, no TSA).
// usage: node sign.js STATEMENT_JSON PRIVATE_KEY_PEM OUT_BUNDLE
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { DSSEBundleBuilder } = require('@sigstore/sign');
const { bundleToJSON } = require('@sigstore/bundle');

const [statementPath, keyPath, outPath] = process.argv.slice(2);
const privateKey = crypto.createPrivateKey(fs.readFileSync(keyPath, 'utf8'));
const publicKey = crypto.createPublicKey(privateKey);
const hint = crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
const signer = {
  async sign(data) {
    return {
      signature: crypto.sign('sha256', data, privateKey),
      key: { $case: 'publicKey', publicKey: publicKey.export({ type: 'spki', format: 'pem' }), hint },
    };
  },
};

new DSSEBundleBuilder({ signer, witnesses: [] })
  .create({ data: fs.readFileSync(statementPath), type: 'application/vnd.in-toto+json' })
  .then((bundle) => fs.writeFileSync(outPath, JSON.stringify(bundleToJSON(bundle))))
  .catch((e) => { console.error(`sigstore-js: ${e.message}`); process.exit(1); });
