namespace Nono.Core.Trust.Sigstore;

/// <summary>What the bundle's signature covers, for matching against the log entry and timestamps.</summary>
/// <param name="Signature">The signature bytes (message signature or the single DSSE signature).</param>
/// <param name="Digest">SHA-256 of the signed bytes: the artifact for message signatures, PAE for DSSE.</param>
/// <param name="Envelope">The DSSE envelope, when the bundle carries one.</param>
internal sealed record SignedContent(byte[] Signature, byte[] Digest, Dsse.DsseEnvelope? Envelope);
