namespace Nono.Core.Audit;

public static partial class AuditVerifier
{
    private static AuditCheck VerifySignature(string directory, SessionMetadata? metadata, AuditVerifyOptions options)
    {
        _ = metadata;
        string path = Path.Combine(directory, AuditFormat.AttestationFile);
        if (!File.Exists(path))
        {
            return options.PublicKeyPem is null
                ? new AuditCheck(AuditPart.Signature, AuditCheckStatus.Absent, [])
                : new AuditCheck(AuditPart.Signature, AuditCheckStatus.Failed, [$"{AuditFormat.AttestationFile} is missing but a public key was given"]);
        }

        return new AuditCheck(AuditPart.Signature, AuditCheckStatus.Unverified, ["signature verification is not implemented yet"]);
    }
}
