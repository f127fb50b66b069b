using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Nono.Core.Trust.Sigstore;

/// <summary>
/// The identity a Fulcio certificate attests: its SANs, its OIDC issuer extension and, for CI identities, the source
/// repository (1.3.6.1.4.1.57264.1.12) and run invocation (1.3.6.1.4.1.57264.1.21) extensions, DER UTF8Strings.
/// </summary>
internal sealed record FulcioIdentity(IReadOnlyList<string> SubjectAlternativeNames, string? Issuer)
{
    private const string IssuerV2Oid = "1.3.6.1.4.1.57264.1.8";
    private const string IssuerV1Oid = "1.3.6.1.4.1.57264.1.1";
    private const string SourceRepositoryUriOid = "1.3.6.1.4.1.57264.1.12";
    private const string RunInvocationUriOid = "1.3.6.1.4.1.57264.1.21";

    /// <summary>The repository whose workflow requested the certificate, e.g. https://github.com/OWNER/REPO.</summary>
    public string? SourceRepositoryUri { get; init; }

    /// <summary>The run that requested it, e.g. https://github.com/OWNER/REPO/actions/runs/ID/attempts/N.</summary>
    public string? RunInvocationUri { get; init; }

    public static FulcioIdentity Read(X509Certificate2 certificate)
    {
        List<string> names = [];
        string? issuer = null;
        string? legacyIssuer = null;
        string? sourceRepository = null;
        string? runInvocation = null;
        foreach (X509Extension extension in certificate.Extensions)
        {
            switch (extension.Oid?.Value)
            {
                case "2.5.29.17":
                    names.AddRange(ReadSans(extension.RawData));
                    break;
                case IssuerV2Oid:
                    issuer = Utf8String(extension.RawData);
                    break;
                case IssuerV1Oid:
                    legacyIssuer = Encoding.UTF8.GetString(extension.RawData);
                    break;
                case SourceRepositoryUriOid:
                    sourceRepository = Utf8String(extension.RawData);
                    break;
                case RunInvocationUriOid:
                    runInvocation = Utf8String(extension.RawData);
                    break;
            }
        }

        return new FulcioIdentity(names, issuer ?? legacyIssuer) { SourceRepositoryUri = sourceRepository, RunInvocationUri = runInvocation };
    }

    private static string Utf8String(byte[] der) => new AsnReader(der, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String);

    private static List<string> ReadSans(byte[] der)
    {
        List<string> names = [];
        AsnReader sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        while (sequence.HasData)
        {
            Asn1Tag tag = sequence.PeekTag();
            if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue is 1 or 2 or 6 && !tag.IsConstructed)
            {
                // rfc822Name [1], dNSName [2], uniformResourceIdentifier [6]: IA5String.
                names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            }
            else if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 0)
            {
                // otherName: type-id OID, [0] EXPLICIT value (Fulcio uses UTF8String).
                AsnReader other = sequence.ReadSequence(tag);
                other.ReadObjectIdentifier();
                AsnReader value = other.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true));
                if (value.PeekTag().TagValue == (int)UniversalTagNumber.UTF8String)
                {
                    names.Add(value.ReadCharacterString(UniversalTagNumber.UTF8String));
                }
            }
            else
            {
                sequence.ReadEncodedValue();
            }
        }

        return names;
    }
}
